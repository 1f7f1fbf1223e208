import { describe, expect, it } from 'vitest';
import { notificationFor } from '../../electron/core/shell/notification.ts';

const incoming = { conversationId: 4, messageId: 9, direction: 'in', priority: 'normal' };

describe('desktop notifications', () => {
  it('say only that a message arrived, never who or what', () => {
    const text = notificationFor('messaging.incoming', { ...incoming, body: 'Jane Doe MRN 12345678', from: 'ben@clinic' }, { kiosk: false }, false);
    expect(text).toEqual({ title: 'Sealwire', body: 'New message', urgent: false });
    expect(notificationFor('messaging.incoming', { ...incoming, priority: 'urgent' }, { kiosk: false }, false)?.body).toBe('New urgent message');
  });
  it('say "New patient reply" for a patient\'s reply, and nothing of the patient or the conversation', () => {
    const text = notificationFor('patients.replied', { conversationId: 'conv-0123456789', name: 'Jane Doe' }, { kiosk: false }, false);
    expect(text).toEqual({ title: 'Sealwire', body: 'New patient reply', urgent: false });
    expect(notificationFor('patients.replied', { conversationId: 'conv-0123456789' }, { kiosk: false }, true)).toBeNull();
    expect(notificationFor('patients.replied', { conversationId: 'conv-0123456789' }, { kiosk: true }, false)).toBeNull();
  });
  it('stay quiet for own messages, other events, a focused window and kiosks', () => {
    expect(notificationFor('messaging.incoming', { ...incoming, direction: 'out' }, { kiosk: false }, false)).toBeNull();
    expect(notificationFor('system.status', incoming, { kiosk: false }, false)).toBeNull();
    expect(notificationFor('messaging.incoming', incoming, { kiosk: false }, true)).toBeNull();
    expect(notificationFor('messaging.incoming', incoming, { kiosk: true }, false)).toBeNull();
  });
  it('count one notification for a patient reply: its room message stays silent, patients.replied speaks', () => {
    const patientRoom = (id: number) => id === incoming.conversationId;
    const shown = [
      notificationFor('messaging.incoming', incoming, { kiosk: false }, false, patientRoom),
      notificationFor('patients.replied', { conversationId: 'conv-0123456789' }, { kiosk: false }, false, patientRoom),
    ].filter((n) => n !== null);
    expect(shown.map((n) => n.body)).toEqual(['New patient reply']);
    // Any other conversation still notifies.
    expect(notificationFor('messaging.incoming', { ...incoming, conversationId: 5 }, { kiosk: false }, false, patientRoom)?.body).toBe('New message');
  });
});
