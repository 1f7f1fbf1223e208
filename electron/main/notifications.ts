import { Notification, type BrowserWindow } from 'electron';
import type { Core } from '../core/app.ts';
import { notificationFor } from '../core/shell/notification.ts';

/** PHI-free desktop notifications for incoming messages while Sealwire is in the background. */
export function bindNotifications(core: Core, win: BrowserWindow): void {
  if (!Notification.isSupported()) return;
  core.events.subscribe((name, payload) => {
    const text = notificationFor(name, payload, core.policy.values, !win.isDestroyed() && win.isFocused(), (id) => core.isPatientConversation(id));
    if (text === null) return;
    const note = new Notification({ title: text.title, body: text.body, urgency: text.urgent ? 'critical' : 'normal', silent: false });
    note.on('click', () => {
      if (win.isDestroyed()) return;
      win.show();
      win.focus();
    });
    note.show();
  });
}
