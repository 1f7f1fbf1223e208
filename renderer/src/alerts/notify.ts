import { readPreference, writePreference } from '../theme/storage.ts';

/** Per-computer preferences (not PHI): whether desktop notifications and the alert sound are on. */
const SOUND_KEY = 'sealwire.alertSound';

export const soundOn = (win: Window = window): boolean => readPreference(win, SOUND_KEY) !== 'off';
export const setSoundOn = (on: boolean, win: Window = window): void => writePreference(win, SOUND_KEY, on ? 'on' : 'off');

export type Permission = 'granted' | 'denied' | 'default' | 'unsupported';

export function notificationPermission(win: Window = window): Permission {
  const api = (win as Window & { Notification?: typeof Notification }).Notification;
  return api === undefined ? 'unsupported' : (api.permission as Permission);
}

export async function askNotificationPermission(win: Window = window): Promise<Permission> {
  const api = (win as Window & { Notification?: typeof Notification }).Notification;
  if (api === undefined) return 'unsupported';
  return (await api.requestPermission()) as Permission;
}


/** Shows a desktop notification (if wanted and allowed) and plays the alert sound (if on). Never throws. */
export function notify(text: { title: string; body: string }, urgent: boolean, desktop: boolean, win: Window = window): void {
  if (desktop && notificationPermission(win) === 'granted') {
    try {
      const note = new Notification(text.title, { body: text.body, tag: urgent ? 'sealwire-urgent' : 'sealwire-message', requireInteraction: urgent, silent: true });
      note.onclick = () => win.focus();
    } catch {
      // Some platforms only allow notifications from a service worker: the in-app alert still shows.
    }
  }
  if (soundOn(win)) playChime(win, urgent);
}

let audio: AudioContext | null = null;

/** A gentle two-note chime made on the spot (no sound file); urgent plays it twice. */
function playChime(win: Window, urgent: boolean): void {
  try {
    const Ctx = (win as Window & { AudioContext?: typeof AudioContext }).AudioContext;
    if (Ctx === undefined) return;
    audio ??= new Ctx();
    const start = audio.currentTime + 0.02;
    const notes = urgent ? [880, 660, 880, 660] : [660, 880];
    notes.forEach((frequency, i) => {
      const osc = audio!.createOscillator();
      const gain = audio!.createGain();
      osc.frequency.value = frequency;
      const at = start + i * 0.18;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      osc.connect(gain).connect(audio!.destination);
      osc.start(at);
      osc.stop(at + 0.17);
    });
  } catch {
    // No audio device: the notification and the in-app alert remain.
  }
}
