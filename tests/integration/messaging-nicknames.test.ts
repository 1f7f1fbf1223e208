import { describe, expect, it } from 'vitest';
import { prosodyForFile, until } from './messaging-support.ts';

/** Issue 11 item "who is signed in": the display name chosen at first sign-in is what colleagues see. */
const file = prosodyForFile(['nina', 'omar'], { httpUpload: false });

describe('display names reach colleagues (XEP-0172 nickname)', () => {
  it('a colleague the directory does not name is named by the nickname they published', async () => {
    const nina = await file.account('nina', { engine: { displayName: () => 'Nina Front Desk' } });
    const omar = await file.account('omar');
    expect(omar.store.getContact(nina.jid)?.displayName ?? null).toBeNull();
    // Give the publish a moment, then write: Omar's workstation looks the name up.
    await new Promise((r) => setTimeout(r, 300));
    nina.engine.send({ to: omar.jid, body: 'Hello from the front desk' });
    await until(() => omar.store.getContact(nina.jid)?.displayName === 'Nina Front Desk', 10_000, 'nickname learned');
  });
});
