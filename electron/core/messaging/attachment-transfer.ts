import type { StoredMessage } from '../store/store.ts';
import type { EngineContext } from './context.ts';
import type { AttachmentInput } from './engine-types.ts';
import type { OutboxSender } from './outbox-sender.ts';
import { bareJid, type ParsedChat } from './stanzas.ts';
import { AttachmentError, buildSlotRequest, createUploadService, httpGet, httpPut, MAX_ATTACHMENT_BYTES, parseSlot, type UploadService } from './upload.ts';

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

  /** Fetch an incoming message's file into the store (after the message itself is committed). */
  fetch(messageId: number, attachment: NonNullable<ParsedChat['attachment']>): void {
    const { store, log } = this.ctx;
    if (!this.uploads.trusted(attachment.url)) {
      log.warn('messaging.attachment_untrusted_host', {});
      return;
    }
    void httpGet(attachment.url, this.uploads.tls)
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
    if (manager.state !== 'online') throw new AttachmentError('offline');
    const service = await this.uploads.discover();
    const answer = await this.ctx.request(buildSlotRequest(service, this.ctx.newId(), input.fileName, input.data.length, input.mime));
    const slot = parseSlot(answer);
    if (slot === null) throw new AttachmentError('bad-slot');
    await httpPut(slot, input.data, input.mime, this.uploads.tls, input.onProgress);
    const to = bareJid(input.to);
    const conversation = this.ctx.conversationFor(this.isRoom(to) ? 'room' : 'direct', to);
    const clientId = this.ctx.newId();
    this.outbox.uploading.add(clientId);
    try {
      const queued = store.enqueueOutgoing({
        clientId,
        conversationId: conversation.id,
        senderJid: this.ctx.ownBare,
        body: slot.get,
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
