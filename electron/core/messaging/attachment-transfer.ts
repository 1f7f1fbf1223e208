import { randomBytes } from 'node:crypto';
import type { StoredMessage } from '../store/store.ts';
import { aesgcmUrl, openFile, parseAesgcmUrl, sealFile } from './aesgcm-url.ts';
import type { EngineContext } from './context.ts';
import type { AttachmentInput, MessagingControls } from './engine-types.ts';
import type { OutboxSender } from './outbox-sender.ts';
import { bareJid, type ParsedChat } from '../../../node-shared/xmpp/stanzas.ts';
import { AttachmentError, buildSlotRequest, createUploadService, httpGet, httpPut, MAX_ATTACHMENT_BYTES, parseSlot, type UploadService } from './upload.ts';

const OPAQUE = 'application/octet-stream';

/** Why policy refuses an attachment ('not_allowed', 'type', 'size'), or null. Types compare without parameters. */
export function refusal(controls: MessagingControls, mime: string, size: number): 'not_allowed' | 'type' | 'size' | null {
  if (!controls.attachmentsAllowed) return 'not_allowed';
  const type = mime.split(';')[0]!.trim().toLowerCase();
  if (controls.attachmentTypes !== null && !controls.attachmentTypes.includes(type)) return 'type';
  if (size > controls.attachmentMaxBytes) return 'size';
  return null;
}

/** Attachments over XEP-0363: upload then send; fetch what peers send, only from our own upload host. */
export class AttachmentTransfer {
  private readonly ctx: EngineContext;
  private readonly outbox: OutboxSender;
  private readonly uploads: UploadService;
  private readonly isRoom: (jid: string) => boolean;

  constructor(ctx: EngineContext, outbox: OutboxSender, isRoom: (jid: string) => boolean) {
    this.ctx = ctx;
    this.outbox = outbox;
    this.isRoom = isRoom;
    this.uploads = createUploadService({ server: ctx.manager.server, request: (stanza) => ctx.request(stanza), newId: ctx.newId });
  }

  /**
   * Fetch an incoming message's file into the store (after the message itself is committed), only
   * from our own upload host. An aesgcm:// file is decrypted and its tag checked before anything
   * is stored; a file that fails the check is dropped (and logged without its address).
   */
  fetch(messageId: number, attachment: NonNullable<ParsedChat['attachment']>): void {
    const { store, log } = this.ctx;
    const sealed = parseAesgcmUrl(attachment.url);
    const https = sealed?.https ?? attachment.url;
    if (!this.uploads.trusted(https)) {
      log.warn('messaging.attachment_untrusted_host', {});
      return;
    }
    // The organisation's allow-list holds on receive too: a refused file is never downloaded.
    const refused = refusal(this.ctx.controls(), attachment.mime, attachment.size);
    if (refused !== null) {
      log.warn('messaging.attachment_refused', { reason: refused });
      return;
    }
    // Sealed files carry a 16-byte tag; the declared size is the sender's word, so the download is bounded too.
    const maxBytes = Math.min(this.ctx.controls().attachmentMaxBytes, MAX_ATTACHMENT_BYTES) + (sealed === null ? 0 : 16);
    void httpGet(https, this.uploads.tls, maxBytes)
      .then((data) => (sealed === null ? data : openFile(sealed, data)))
      .then((data) => store.attachments.add({ messageId, fileName: attachment.fileName, mime: attachment.mime, data }))
      .then(() => {
        const stored = store.getMessage(messageId);
        if (stored !== null) this.ctx.emitState(stored);
      })
      .catch((err: unknown) => log.warn('messaging.attachment_download_failed', { error: err }));
  }

  async send(input: AttachmentInput): Promise<StoredMessage> {
    const { store, manager } = this.ctx;
    if (input.data.length === 0 || input.data.length > MAX_ATTACHMENT_BYTES) throw new AttachmentError('size');
    const refused = refusal(this.ctx.controls(), input.mime, input.data.length);
    if (refused !== null) throw new AttachmentError(refused);
    if (manager.state !== 'online') throw new AttachmentError('offline');
    // Encrypted before it leaves: the upload service sees a random name, no type, and ciphertext.
    // The real name and type travel in the message, the key only in the address's fragment.
    const sealed = sealFile(input.data);
    const service = await this.uploads.discover();
    const answer = await this.ctx.request(buildSlotRequest(service, this.ctx.newId(), `${randomBytes(12).toString('hex')}.bin`, sealed.data.length, OPAQUE));
    const slot = parseSlot(answer);
    if (slot === null) throw new AttachmentError('bad-slot');
    const total = input.data.length;
    await httpPut(slot, sealed.data, OPAQUE, this.uploads.tls, input.onProgress && ((sent) => input.onProgress?.(Math.min(sent, total), total)));
    const to = bareJid(input.to);
    const conversation = this.ctx.conversationFor(this.isRoom(to) ? 'room' : 'direct', to);
    const clientId = this.ctx.newId();
    this.outbox.uploading.add(clientId);
    try {
      const queued = store.enqueueOutgoing({
        clientId,
        conversationId: conversation.id,
        senderJid: this.ctx.ownBare,
        body: aesgcmUrl(slot.get, sealed.fragment),
        sentAt: this.outbox.nextSentAt(),
        priority: input.priority ?? 'normal',
        patientTag: input.patientTag ?? null,
      });
      await store.attachments.add({ messageId: queued.id, fileName: input.fileName, mime: input.mime, data: input.data });
    } finally {
      this.outbox.uploading.delete(clientId);
    }
    this.outbox.kick();
    return store.getMessageByClientId(clientId)!;
  }
}
