import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../../electron/core/store/format.ts';
import { openStore } from '../../electron/core/store/store.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const dir = makeTempDir('snippets');
afterAll(() => removeTempDir(dir));

describe('search snippets', () => {
  it('a message carrying the highlight markers cannot fake a highlighted match in search results', () => {
    const s = openStore({ file: path.join(dir, 'spoof.db'), key: randomBytes(32), create: true });
    const c = s.ensureConversation({ kind: 'direct', jid: 'sender@clinic.test' }).id;
    // The sender wraps words that did not match in the marker characters, hoping the results
    // screen shows them as the match (e.g. a name next to the searched patient tag).
    const body = `referral for ${SNIPPET_OPEN}Dr Urgent Callback${SNIPPET_CLOSE} ${SNIPPET_OPEN}MRN 000001${SNIPPET_CLOSE}`;
    s.insertMessage({ clientId: 'spoof', conversationId: c, senderJid: 'sender@clinic.test', body, sentAt: 1, direction: 'in', patientTag: 'MRN 123456' });
    for (const q of ['referral', 'MRN 123456']) {
      const [hit] = s.search(q);
      expect(hit, q).toBeDefined();
      const marked = [...(hit?.snippet ?? '').matchAll(new RegExp(`${SNIPPET_OPEN}([^${SNIPPET_CLOSE}]*)${SNIPPET_CLOSE}`, 'gu'))].map((m) => m[1]);
      expect(marked, q).toEqual([q === 'referral' ? 'referral' : 'MRN 123456']);
    }
    s.close();
  });
});
