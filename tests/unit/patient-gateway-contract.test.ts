import { describe, expect, it } from 'vitest';
import { COMMANDS, CreateRequest, isPastDate, patientGatewayAddress } from '../../shared/contract/patient-gateway.ts';
import {
  buildCommand,
  buildCommandResult,
  buildStateMessage,
  isInternalNote,
  noteMarker,
  readCommand,
  readCommandResult,
  readStateMessage,
} from '../../node-shared/xmpp/patient-commands.ts';
import { StreamParser } from '../../node-shared/xmpp/stream-parser.ts';
import { el, NS_CLIENT, toXml, type XmlElement } from '../../node-shared/xmpp/xml.ts';

const create = {
  name: 'Ana <b>Test</b>',
  phone: '+15551234567',
  dateOfBirth: '1980-02-29',
  consent: { given: true as const, recordedBy: 'alice@clinic.test', method: 'verbal' as const },
  channel: 'sms' as const,
  locale: 'es' as const,
};

/** Serialise and parse back, as the wire does. */
function roundTrip(element: XmlElement): XmlElement {
  const out: XmlElement[] = [];
  const parser = new StreamParser({ open: () => {}, element: (e) => out.push(e), refused: () => {}, close: () => {}, error: (r) => { throw new Error(r); } });
  parser.write(`<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>${toXml(element)}`);
  return out[0]!;
}

describe('patient gateway protocol', () => {
  it('validates a create request: real past dates, E.164, the channel has its address', () => {
    expect(CreateRequest.safeParse(create).success).toBe(true);
    expect(CreateRequest.safeParse({ ...create, dateOfBirth: '1981-02-29' }).success).toBe(false);
    expect(CreateRequest.safeParse({ ...create, phone: '555-1234' }).success).toBe(false);
    expect(CreateRequest.safeParse({ ...create, channel: 'email' }).success).toBe(false);
    expect(isPastDate('2999-01-01')).toBe(false);
    expect(patientGatewayAddress('Clinic.Test')).toBe('patients.clinic.test');
  });

  it('carries a command and its result through XML unchanged', () => {
    const iq = roundTrip(buildCommand('patients.clinic.test', 'q1', 'create', create));
    const read = readCommand({ ...iq, attrs: { ...iq.attrs, from: 'alice@clinic.test/desk' } });
    expect(read).toEqual({ ok: true, name: 'create', request: create });
    const summary = {
      conversationId: 'c_12345678',
      room: 'p-c_12345678@conference.clinic.test',
      name: create.name,
      channel: 'sms' as const,
      contactHint: '•••• 4567',
      locale: 'es' as const,
      status: 'open' as const,
      assignee: null,
      waitingFor: null,
      link: 'none' as const,
      optedOut: false,
      createdAt: 1,
      lastActivityAt: 1,
    };
    const request = { ...iq, attrs: { ...iq.attrs, from: 'alice@clinic.test/desk' } };
    const answer = roundTrip(buildCommandResult(request, 'create', { ok: true, value: summary }));
    expect(readCommandResult(answer, 'create')).toEqual({ ok: true, value: summary });
    expect(readCommandResult(answer, 'list')).toBeNull();
    expect(COMMANDS.list.request.parse({})).toEqual({ status: 'open' });
  });

  it('refuses what is not a valid command or state', () => {
    expect(readCommand(el('iq', NS_CLIENT, { type: 'get' }))).toEqual({ ok: false, reason: 'not-command' });
    const unknown = el('iq', NS_CLIENT, { type: 'set' }, el('command', 'http://jabber.org/protocol/commands', { node: 'other' }));
    expect(readCommand(unknown)).toEqual({ ok: false, reason: 'unknown-node' });
    const broken = el('iq', NS_CLIENT, { type: 'set' }, el('command', 'http://jabber.org/protocol/commands', { node: 'urn:sealwire:patient:0#list' }, el('json', 'urn:xmpp:json:0', {}, '{nope')));
    expect(readCommand(broken)).toEqual({ ok: false, reason: 'bad-request' });
    expect(readStateMessage(el('message', NS_CLIENT, {}, el('state', 'urn:sealwire:patient:0', {}, el('json', 'urn:xmpp:json:0', {}, '{"kind":"x"}'))))).toBeNull();
  });

  it('carries state events and internal-note markers', () => {
    const event = { kind: 'message' as const, conversationId: 'c_12345678', state: { messageId: 'm1', state: 'queued' as const, at: 5, code: 'quiet_hours_until' as const, until: 99 } };
    expect(readStateMessage(roundTrip(buildStateMessage('room@conf.test', 's1', event)))).toEqual(event);
    const note = roundTrip(el('message', NS_CLIENT, { type: 'groupchat' }, el('body', NS_CLIENT, {}, 'x'), noteMarker()));
    expect(isInternalNote(note)).toBe(true);
  });
});
