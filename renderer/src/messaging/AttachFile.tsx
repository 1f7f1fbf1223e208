import { useEffect, useId, useRef, useState, type ChangeEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { localError, type UiError } from '../session/errors.ts';
import { attachmentMime, attachmentName, MAX_ATTACHMENT_IPC_BYTES, newUploadId, readAsBase64 } from './attachment-file.ts';
import { formatSize } from './format.ts';

interface Props {
  to: string;
  priority: Message['priority'];
  patientTag: string | null;
  disabled: boolean;
  /** A file is being read or sent (the composer holds its other controls meanwhile). */
  busy: (busy: boolean) => void;
  failed: (error: UiError) => void;
  sent: (message: Message) => void;
  /** Filled with this control's way to send a file, for files dropped on the composer. */
  attachRef?: RefObject<((file: File) => void) | null>;
}

interface Upload {
  id: string;
  name: string;
  sent: number;
  total: number;
}

/**
 * "Attach file": the chosen file is read here (the renderer has no file system access beyond what the
 * person picks), checked against the contract's size limit, and handed to main, which encrypts,
 * stores and uploads it. Progress comes from main's upload events.
 */
export function AttachFile({ to, priority, patientTag, disabled, busy, failed, sent, attachRef }: Props) {
  const client = useClient();
  const { t, i18n } = useTranslation();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const uploadId = upload?.id ?? null;

  useEffect(() => {
    if (uploadId === null) return;
    return client.on('messaging.uploadProgress', (p) => {
      if (p.uploadId !== uploadId) return;
      setUpload((u) => (u !== null && u.id === p.uploadId ? { ...u, sent: p.sent, total: p.total } : u));
    });
  }, [client, uploadId]);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file !== undefined) void attach(file);
  };

  const attach = async (file: File) => {
    if (disabled || upload !== null) return;
    const name = attachmentName(file);
    const lang = i18n.resolvedLanguage;
    if (file.size > MAX_ATTACHMENT_IPC_BYTES) {
      failed(localError(t('composer.tooLarge', { name, size: formatSize(file.size, lang), limit: formatSize(MAX_ATTACHMENT_IPC_BYTES, lang) })));
      return;
    }
    if (file.size === 0) {
      failed(localError(t('composer.empty', { name })));
      return;
    }
    const id = newUploadId();
    setUpload({ id, name, sent: 0, total: file.size });
    busy(true);
    try {
      let dataBase64: string;
      try {
        dataBase64 = await readAsBase64(file);
      } catch {
        failed(localError(t('composer.unreadable')));
        return;
      }
      const result = await client.call('messaging.sendAttachment', { to, uploadId: id, fileName: name, mime: attachmentMime(file), dataBase64, priority, patientTag });
      if (result.ok) {
        failed(null);
        sent(result.value.message);
      } else failed(result.error);
    } finally {
      setUpload(null);
      busy(false);
    }
  };

  // Refreshed after each render, so a drop uses the current recipient and options.
  useEffect(() => {
    if (attachRef === undefined) return;
    attachRef.current = (file) => void attach(file);
    return () => {
      attachRef.current = null;
    };
  });

  const percent = upload !== null && upload.total > 0 ? Math.min(1, upload.sent / upload.total) : 0;
  return (
    <>
      <input ref={input} type="file" className="visually-hidden" tabIndex={-1} aria-hidden="true" onChange={choose} data-testid="attach-input" />
      <Button
        className="composer__attach"
        disabled={disabled || upload !== null}
        onClick={() => input.current?.click()}
        aria-describedby={hintId}
        data-testid="attach-file"
      >
        <Icon name="paperclip" />
        {t('composer.attach')}
      </Button>
      <span id={hintId} className="visually-hidden">
        {t('composer.attachHint', { size: formatSize(MAX_ATTACHMENT_IPC_BYTES, i18n.resolvedLanguage) })}
      </span>
      {upload !== null ? (
        <div className="composer__upload" role="status" data-testid="attach-progress">
          <span>{t('composer.uploading', { name: upload.name, percent: new Intl.NumberFormat(i18n.resolvedLanguage, { style: 'percent' }).format(percent) })}</span>
          <progress max={1} value={percent} />
        </div>
      ) : null}
    </>
  );
}
