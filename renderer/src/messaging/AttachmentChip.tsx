import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_THUMBNAIL_BYTES, type AttachmentSummary, type ResponseOf } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import type { UiError } from '../session/errors.ts';
import { AttachmentViewer } from './AttachmentViewer.tsx';
import { blobUrlOf, downloadCopy } from './file-bytes.ts';
import { formatSize } from './format.ts';
import './attachments.css';

/** What the sender claims; only a hint for which buttons to offer (core decides from the bytes). */
const looksViewable = (mime: string) => mime.startsWith('image/') || mime === 'application/pdf';
const wantsThumbnail = (file: AttachmentSummary) => file.mime.startsWith('image/') && file.size <= MAX_THUMBNAIL_BYTES;

/** An image's thumbnail, fetched from main once shown; the blob URL goes when it leaves the screen. */
function useThumbnail(file: AttachmentSummary): string | null {
  const client = useClient();
  const [url, setUrl] = useState<string | null>(null);
  const wanted = wantsThumbnail(file);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    let made: string | null = null;
    void client.call('attachments.thumbnail', { attachmentId: file.id }).then((result) => {
      if (!live || !result.ok || result.value.thumbnail === null) return;
      made = blobUrlOf(result.value.thumbnail.dataBase64, result.value.thumbnail.mime);
      setUrl(made);
    });
    return () => {
      live = false;
      if (made !== null) URL.revokeObjectURL(made);
    };
  }, [client, file.id, wanted]);
  return url;
}

/**
 * A stored attachment in the thread: a thumbnail for pictures, the name and size, "Open" (the safe
 * viewer) where the file may be viewable and "Save" where policy allows. Every open and save is
 * audited by main; the file name is shown, never the upload address.
 */
export function AttachmentChip({ file }: { file: AttachmentSummary }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const policy = useContractQuery('policy.effective', {});
  const saveAllowed = policy.data?.values.saveAllowed ?? false;
  const thumbnail = useThumbnail(file);
  const [opened, setOpened] = useState<ResponseOf<'attachments.open'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const [saved, setSaved] = useState(false);

  const open = async () => {
    setBusy(true);
    const result = await client.call('attachments.open', { attachmentId: file.id });
    setBusy(false);
    if (result.ok) {
      setError(null);
      setOpened(result.value);
    } else setError(result.error);
  };
  const save = async () => {
    setBusy(true);
    setSaved(false);
    const result = await client.call('attachments.save', { attachmentId: file.id });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    if (result.value.saved === 'download') downloadCopy(result.value.dataBase64, result.value.fileName);
    setSaved(result.value.saved !== 'cancelled');
  };

  return (
    <div className="attachment" data-testid="message-attachment" data-attachment-id={file.id}>
      {thumbnail !== null ? (
        <button type="button" className="attachment__thumb" onClick={() => void open()} aria-label={t('attachment.openLabel', { name: file.fileName })} data-testid="attachment-thumbnail">
          <img src={thumbnail} alt="" />
        </button>
      ) : null}
      <p className="message__file">
        <Icon name="file" />
        <span className="message__file-name" dir="auto" data-testid="attachment-name">
          {file.fileName}
        </span>
        <span className="message__file-kind" data-testid="attachment-size">
          {formatSize(file.size, i18n.resolvedLanguage)}
        </span>
      </p>
      <div className="attachment__actions">
        {looksViewable(file.mime) ? (
          <Button onClick={() => void open()} disabled={busy} aria-label={t('attachment.openLabel', { name: file.fileName })} data-testid="attachment-open">
            {t('attachment.open')}
          </Button>
        ) : (
          <span className="attachment__hint">{t('attachment.saveOnly')}</span>
        )}
        {saveAllowed ? (
          <Button onClick={() => void save()} disabled={busy} aria-label={t('attachment.saveLabel', { name: file.fileName })} data-testid="attachment-save">
            {busy ? t('attachment.saving') : t('attachment.save')}
          </Button>
        ) : null}
        {saved ? (
          <span className="attachment__hint" role="status" data-testid="attachment-saved">
            {t('attachment.saved')}
          </span>
        ) : null}
      </div>
      <FormError error={error} secondsLeft={0} testId="attachment-error" />
      {opened !== null ? <AttachmentViewer file={opened} save={saveAllowed ? () => void save() : null} close={() => setOpened(null)} /> : null}
    </div>
  );
}
