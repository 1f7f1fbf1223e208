import {
  COMMAND,
  COMMANDS,
  commandOfNode,
  NS_COMMANDS,
  NS_JSON,
  NS_PATIENT,
  StateEvent,
  type CommandName,
  type CommandRequest,
  type CommandResult,
} from '../../shared/contract/patient-gateway.ts';
import { NS_HINTS } from './stanzas.ts';
import { child, el, NS_CLIENT, text, type XmlElement } from './xml.ts';

// The wire form of shared/contract/patient-gateway.ts, built and read in one place so the staff
// client and the gateway cannot drift apart. Everything read is validated by the contract.

const MAX_JSON_CHARS = 4 * 1024 * 1024;

function readJson(container: XmlElement | undefined): unknown {
  if (container === undefined) return undefined;
  const raw = text(container);
  if (raw.length > MAX_JSON_CHARS) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

const json = (value: unknown): XmlElement => el('json', NS_JSON, {}, JSON.stringify(value));

/** A staff client's command request (XEP-0050 execute, one step). */
export function buildCommand<N extends CommandName>(to: string, id: string, name: N, request: CommandRequest<N>): XmlElement {
  return el('iq', NS_CLIENT, { type: 'set', to, id }, el('command', NS_COMMANDS, { node: COMMAND[name], action: 'execute' }, json(request)));
}

export type ParsedCommand =
  | { readonly ok: true; readonly name: CommandName; readonly request: unknown }
  | { readonly ok: false; readonly reason: 'not-command' | 'unknown-node' | 'bad-request' };

/** What a command IQ asks for; the request is validated by the gateway with COMMANDS[name].request. */
export function readCommand(iq: XmlElement): ParsedCommand {
  const command = child(iq, 'command', NS_COMMANDS);
  if (iq.name !== 'iq' || iq.attrs['type'] !== 'set' || command === undefined) return { ok: false, reason: 'not-command' };
  const name = commandOfNode(command.attrs['node'] ?? '');
  if (name === null) return { ok: false, reason: 'unknown-node' };
  const request = readJson(child(command, 'json', NS_JSON));
  return request === undefined ? { ok: false, reason: 'bad-request' } : { ok: true, name, request };
}

/** The gateway's answer to a command: completed, with the result as a JSON container. */
export function buildCommandResult<N extends CommandName>(request: XmlElement, name: N, result: CommandResult<N>): XmlElement {
  return el(
    'iq',
    NS_CLIENT,
    { type: 'result', to: request.attrs['from'], id: request.attrs['id'] },
    el('command', NS_COMMANDS, { node: COMMAND[name], status: 'completed', sessionid: request.attrs['id'] }, json(result)),
  );
}

/** A command result as the staff client reads it; null when it is not a valid answer. */
export function readCommandResult<N extends CommandName>(iq: XmlElement, name: N): CommandResult<N> | null {
  const command = child(iq, 'command', NS_COMMANDS);
  if (iq.attrs['type'] !== 'result' || command === undefined || command.attrs['node'] !== COMMAND[name]) return null;
  const parsed = COMMANDS[name].result.safeParse(readJson(child(command, 'json', NS_JSON)));
  return parsed.success ? (parsed.data as CommandResult<N>) : null;
}

/** A state change posted by the gateway into a conversation room (kept by the archive). */
export function buildStateMessage(room: string, id: string, event: StateEvent): XmlElement {
  return el(
    'message',
    NS_CLIENT,
    { to: room, type: 'groupchat', id },
    el('state', NS_PATIENT, {}, json(event)),
    el('store', NS_HINTS),
  );
}

/** The state event in a room message, or null. Trust it only when the sender is the gateway. */
export function readStateMessage(message: XmlElement): StateEvent | null {
  const state = child(message, 'state', NS_PATIENT);
  if (state === undefined) return null;
  const parsed = StateEvent.safeParse(readJson(child(state, 'json', NS_JSON)));
  return parsed.success ? parsed.data : null;
}

/** The marker that makes a staff message in a conversation room an internal note (never relayed). */
export const noteMarker = (): XmlElement => el('note', NS_PATIENT);
export const isInternalNote = (message: XmlElement): boolean => child(message, 'note', NS_PATIENT) !== undefined;
