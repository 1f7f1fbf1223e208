import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResponseOf } from '../../../shared/contract/index.ts';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { bytesFromBase64 } from './file-bytes.ts';
import { PdfPages } from './PdfPages.tsx';

type Opened = ResponseOf<'attachments.open'>;

interface Props {
  file: Opened;
  /** null when policy does not allow saving. */
  save: (() => void) | null;
  close: () => void;
}

/**
 * The safe viewer: a modal dialog over the app (focus stays inside; Escape closes) showing an
 * image or a PDF's pages from memory. The content type is the one core read from the bytes.
 */
export function AttachmentViewer({ file, save, close }: Props) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const bytes = useMemo(() => bytesFromBase64(file.dataBase64), [file.dataBase64]);
  const imageUrl = useMemo(() => (file.kind === 'image' ? URL.createObjectURL(new Blob([bytes], { type: file.mime })) : null), [bytes, file.kind, file.mime]);
  useEffect(() => () => {
    if (imageUrl !== null) URL.revokeObjectURL(imageUrl);
  }, [imageUrl]);
  useEffect(() => {
    const box = dialog.current;
    if (box !== null && !box.open) box.showModal();
  }, []);

  return (
    <dialog ref={dialog} className="viewer" aria-label={t('viewer.label')} onClose={close} data-testid="viewer" data-kind={file.kind}>
      <header className="viewer__bar">
        <h2 className="viewer__title" dir="auto" data-testid="viewer-title">
          {file.fileName}
        </h2>
        <span className="viewer__note">{t('viewer.safeNote')}</span>
        {save !== null ? (
          <Button onClick={save} data-testid="viewer-save">
            {t('attachment.save')}
          </Button>
        ) : null}
        <Button onClick={() => dialog.current?.close()} autoFocus data-testid="viewer-close">
          <Icon name="cross" />
          {t('viewer.close')}
        </Button>
      </header>
      <div className="viewer__body">
        {imageUrl !== null ? <img className="viewer__image" src={imageUrl} alt={t('attachment.thumbnailAlt', { name: file.fileName })} data-testid="viewer-image" /> : <PdfPages data={bytes} />}
      </div>
    </dialog>
  );
}
