/**
 * Internal notes in a patient conversation room are staff-only: the gateway relays every room
 * message to the patient unless it carries the `<note xmlns='urn:sealwire:patient:0'/>` marker.
 * A note's id starts with this prefix, and the outbox adds the marker to every message whose id
 * does, so a note resent after a crash or a reconnect is still a note: the marker is derived from
 * the stored row, never from memory. A room message that arrives with the prefix but without the
 * marker was relayed, so it is stored under another id and shown as a message, not a note.
 */
export const NOTE_ID_PREFIX = 'note-';

export const isNoteId = (clientId: string): boolean => clientId.startsWith(NOTE_ID_PREFIX);
