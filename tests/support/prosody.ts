// Tests reach the real-Prosody fixture through here (it lives with the other development tooling).
export {
  DEV_XMPP_ENV,
  readDevXmppServer,
  startProsody,
  writeDevXmppServer,
  type DevXmppServer,
  type ProsodyHandle,
  type ProsodyOptions,
} from '../../electron/dev/prosody/index.ts';
export {
  checkPasswordOverTls,
  openWire,
  readFeaturesAroundStartTls,
  readStreamFeatures,
  streamHeader,
} from '../../electron/dev/prosody/xmpp-wire.ts';
