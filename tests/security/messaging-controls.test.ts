import { describe, expect, it } from 'vitest';
import { messagingControls } from '../../electron/core/account/server.ts';
import { ALL_CONTROLS_ON, type MessagingControls } from '../../electron/core/messaging/engine-types.ts';
import { AttachmentError } from '../../electron/core/messaging/upload.ts';
import { toXml, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import { DEFAULT_POLICY } from '../../shared/contract/policy.ts';
import { prosodyForFile, until, type Account } from '../integration/messaging-support.ts';

/**
 * Issue 12, controls: read receipts, typing and presence are off unless policy turns them on, and
 * the attachment allow-list holds on send and on receive. Proven on the wire of a real Prosody:
 * what the engine sent is recorded at the connection, not taken from the engine's word.
 */
const STAFF = [
  { username: 'desk', name: 'Desk Controlfield' },
  { username: 'lab', name: 'Lab Controlfield' },
  { username: 'ward', name: 'Ward Controlfield' },
];
const file = prosodyForFile(
  STAFF.map((s) => s.username),
  { staffDirectory: { group: 'Clinic staff', members: STAFF } },
);

/** The policy defaults as the core hands them to messaging. */
const DEFAULT_CONTROLS = messagingControls(DEFAULT_POLICY);

async function account(username: string, controls: MessagingControls): Promise<Account & { sent: string[] }> {
  const a = await file.account(username, { engine: { controls: () => controls }, start: false });
  const sent: string[] = [];
  const send = a.manager.send.bind(a.manager);
  // Everything this engine puts on the wire, as XML text.
  a.manager.send = (stanza: XmlElement) => {
    sent.push(toXml(stanza));
    return send(stanza);
  };
  a.manager.start();
  await a.manager.waitOnline();
  await a.engine.whenSynced();
  return Object.assign(a, { sent });
}

describe('privacy controls, off by default', () => {
  it('the defaults: no read receipts, no presence, no typing; PDF, JPEG and PNG up to 25 MB', () => {
    expect(DEFAULT_CONTROLS).toEqual({ attachmentsAllowed: true, attachmentTypes: ['application/pdf', 'image/jpeg', 'image/png'], attachmentMaxBytes: 25 * 1024 * 1024, readReceipts: false, presence: false });
    expect(DEFAULT_POLICY.typingNotifications).toBe(false);
  });

  it('reading a message sends no read marker and no typing state; the sender never sees "read"; presence is not recorded', async () => {
    const desk = await account('desk', DEFAULT_CONTROLS);
    const lab = await account('lab', ALL_CONTROLS_ON);
    const sent = lab.engine.send({ to: desk.jid, body: 'Potassium result is back' });
    await until(() => desk.store.getMessageByClientId(sent.clientId) !== null, 10_000, 'delivery');
    await until(() => lab.store.getMessageByClientId(sent.clientId)?.state === 'delivered', 10_000, 'delivered');
    const theirs = desk.store.getMessageByClientId(sent.clientId)!;
    expect(desk.engine.markRead(theirs.conversationId, theirs.id).newlyRead).toBe(1);
    // A later round trip proves the wire had time to carry a marker, had one been sent.
    const after = desk.engine.send({ to: lab.jid, body: 'Thanks' });
    await until(() => lab.store.getMessageByClientId(after.clientId) !== null, 10_000, 'reply');
    expect(lab.store.getMessageByClientId(sent.clientId)?.state).toBe('delivered');
    const wire = desk.sent.join('\n');
    expect(wire).toContain('Thanks');
    expect(wire).not.toMatch(/<displayed\b|<acknowledged\b|http:\/\/jabber\.org\/protocol\/chatstates/);
    // The staff directory makes lab's presence reach desk; with presence off it is not kept.
    expect(desk.store.getContact(lab.jid)?.presence ?? null).toBeNull();
    expect(lab.store.getContact(desk.jid)?.presence).toBe('available');
  });

  it('with read receipts turned on by policy, the marker goes out and the sender sees "read"', async () => {
    const ward = await account('ward', { ...DEFAULT_CONTROLS, readReceipts: true });
    const lab = await account('lab', ALL_CONTROLS_ON);
    const sent = lab.engine.send({ to: ward.jid, body: 'Bed 3 ready' });
    await until(() => ward.store.getMessageByClientId(sent.clientId) !== null, 10_000, 'delivery');
    const theirs = ward.store.getMessageByClientId(sent.clientId)!;
    ward.engine.markRead(theirs.conversationId, theirs.id);
    await until(() => lab.store.getMessageByClientId(sent.clientId)?.state === 'read', 10_000, 'read');
  });
});

describe('attachment allow-list, on send and on receive', () => {
  const pdfOnly: MessagingControls = { ...DEFAULT_CONTROLS, attachmentTypes: ['application/pdf'], attachmentMaxBytes: 64 * 1024 };

  it('refuses to send a type or size outside the list, before anything is uploaded', async () => {
    const desk = await account('desk', pdfOnly);
    const uploads = () => desk.sent.filter((x) => x.includes('urn:xmpp:http:upload:0')).length;
    await expect(desk.engine.sendAttachment({ to: `lab@${file.prosody.domain}`, fileName: 'notes.txt', mime: 'text/plain', data: Buffer.from('x') })).rejects.toEqual(new AttachmentError('type'));
    await expect(desk.engine.sendAttachment({ to: `lab@${file.prosody.domain}`, fileName: 'scan.pdf', mime: 'application/pdf', data: Buffer.alloc(65 * 1024) })).rejects.toEqual(new AttachmentError('size'));
    await expect(account('ward', { ...pdfOnly, attachmentsAllowed: false }).then((w) => w.engine.sendAttachment({ to: desk.jid, fileName: 'a.pdf', mime: 'application/pdf', data: Buffer.from('%PDF') }))).rejects.toEqual(new AttachmentError('not_allowed'));
    expect(uploads()).toBe(0);
  });

  it('never downloads a received file outside the list (type or declared size); an allowed one arrives', async () => {
    const desk = await account('desk', pdfOnly);
    const lab = await account('lab', ALL_CONTROLS_ON);
    const text = await lab.engine.sendAttachment({ to: desk.jid, fileName: 'notes.txt', mime: 'text/plain', data: Buffer.from('free text') });
    const big = await lab.engine.sendAttachment({ to: desk.jid, fileName: 'big.pdf', mime: 'application/pdf', data: Buffer.alloc(65 * 1024, 1) });
    const ok = await lab.engine.sendAttachment({ to: desk.jid, fileName: 'ok.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4 small') });
    await until(() => (desk.store.getMessageByClientId(ok.clientId)?.attachmentCount ?? 0) === 1, 15_000, 'the allowed file');
    await new Promise((r) => setTimeout(r, 300));
    expect(desk.store.getMessageByClientId(text.clientId)?.attachmentCount).toBe(0);
    expect(desk.store.getMessageByClientId(big.clientId)?.attachmentCount).toBe(0);
  });
});
