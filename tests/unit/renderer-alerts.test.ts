import { describe, expect, it } from 'vitest';
import type { InboxEntry } from '../../shared/contract/index.ts';
import { notificationContentFor } from '../../electron/core/shell/notification.ts';
import { notificationText, unreadTitle } from '../../renderer/src/alerts/alert-text.ts';
import { dueAlerts, NO_REPEATS } from '../../renderer/src/alerts/urgent-schedule.ts';
import { en } from '../../renderer/src/i18n/en.ts';

const MIN = 60_000;

describe('urgent alerts repeat until acknowledged (fake clock)', () => {
  it('notify at once, then every 2 minutes for 20 minutes, and stop when acknowledged', () => {
    const t0 = 1_000_000;
    const pending = [{ messageId: 7, sentAt: t0 }];
    let repeats = NO_REPEATS;
    const fired: number[] = [];
    // A tick every 5 seconds for 30 minutes.
    for (let now = t0; now <= t0 + 30 * MIN; now += 5_000) {
      const step = dueAlerts(pending, repeats, now, 2 * MIN, 20 * MIN);
      repeats = step.repeats;
      if (step.due.includes(7)) fired.push((now - t0) / MIN);
    }
    expect(fired).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);

    // Acknowledged: it leaves `pending`, so nothing more fires and the record forgets it.
    const after = dueAlerts([], repeats, t0 + 3 * MIN, 2 * MIN, 20 * MIN);
    expect(after.due).toEqual([]);
    expect(after.repeats.last.size).toBe(0);
  });

  it('an alert first seen long after it came (a new computer catching up) notifies once, not every tick', () => {
    const pending = [{ messageId: 3, sentAt: 0 }];
    const first = dueAlerts(pending, NO_REPEATS, 60 * MIN, 2 * MIN, 20 * MIN);
    expect(first.due).toEqual([3]);
    expect(dueAlerts(pending, first.repeats, 63 * MIN, 2 * MIN, 20 * MIN).due).toEqual([]);
  });
});

describe('what a notification and the window title may say', () => {
  const message = { direction: 'in' as const, priority: 'normal' as const, body: 'Jane Doe MRN 12345678 is in room 3', recalledAt: null, attachmentCount: 0 };
  const policy = { kiosk: false, notificationContent: 'none' as const, notificationShowsSender: false };

  it('by default neither the sender nor the text (policy notificationContent none)', () => {
    expect(notificationContentFor(message, 'Ben Okafor', policy)).toEqual({ show: true, urgent: false, sender: null, text: null });
    // notificationContent alone is not enough: notificationShowsSender must allow it too (strictest wins).
    expect(notificationContentFor(message, 'Ben Okafor', { ...policy, notificationContent: 'full' }).sender).toBeNull();
  });

  it('sender, then sender and shortened text, only as far as policy allows', () => {
    const sender = notificationContentFor(message, 'Ben Okafor', { ...policy, notificationContent: 'sender', notificationShowsSender: true });
    expect(sender).toEqual({ show: true, urgent: false, sender: 'Ben Okafor', text: null });
    const full = notificationContentFor({ ...message, body: 'x'.repeat(500) }, 'Ben', { ...policy, notificationContent: 'full', notificationShowsSender: true });
    expect(full.text?.length).toBe(120);
    // A file's address is never notification text.
    expect(notificationContentFor({ ...message, attachmentCount: 1 }, 'Ben', { ...policy, notificationContent: 'full', notificationShowsSender: true }).text).toBeNull();
  });

  it('never for our own, recalled, or kiosk messages', () => {
    expect(notificationContentFor({ ...message, direction: 'out' }, 'Ben', policy).show).toBe(false);
    expect(notificationContentFor({ ...message, recalledAt: 5 }, 'Ben', policy).show).toBe(false);
    expect(notificationContentFor(message, 'Ben', { ...policy, kiosk: true }).show).toBe(false);
  });

  it('words it from the decision alone', () => {
    const t = ((key: string, params?: Record<string, string>) => {
      const [section, name] = key.split('.') as [keyof typeof en, string];
      let text = (en[section] as Record<string, string>)[name] ?? key;
      for (const [k, v] of Object.entries(params ?? {})) text = text.replace(`{{${k}}}`, v);
      return text;
    }) as never;
    expect(notificationText(t, { show: true, urgent: true, sender: null, text: null })).toEqual({ title: 'Sealwire', body: 'New urgent message' });
    expect(notificationText(t, { show: true, urgent: false, sender: 'Ben', text: null }).body).toBe('New message from Ben');
    expect(notificationText(t, { show: true, urgent: true, sender: null, text: null }, true).body).toBe('Urgent message still waiting');
  });

  it('the window title is a number only: never a name or text (canary)', () => {
    const entry = (unread: number, muted = false): InboxEntry => ({
      id: unread + 1,
      kind: 'direct',
      jid: 'jane.doe.canary@clinic.example',
      title: 'Jane Doe canary',
      lastActivity: 1,
      unreadCount: unread,
      muted,
      archived: false,
      pinned: false,
      preview: 'MRN 12345678 canary',
      previewSenderJid: null,
      previewDirection: 'in',
    });
    expect(unreadTitle(null)).toBe('Sealwire');
    expect(unreadTitle([entry(0)])).toBe('Sealwire');
    expect(unreadTitle([entry(2), entry(1), entry(5, true)])).toBe('Sealwire (3)');
    expect(unreadTitle([entry(2)])).not.toMatch(/canary|Jane|MRN/);
  });
});
