export { startProsody, type ProsodyHandle, type ProsodyOptions } from './prosody.ts';
export { DEV_XMPP_ENV, readDevXmppServer, writeDevXmppServer, type DevXmppServer } from './dev-server.ts';
