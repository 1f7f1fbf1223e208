import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of eslint.config.js, run through ESLint's own API on planted source text:
// each line imports upward from a lower folder of electron/core and must be refused.
const eslint = new ESLint({ cwd: process.cwd() });

async function layerErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('dependencies inside electron/core point one way', () => {
  it.each([
    ['electron/core/store/planted.ts', "import type { SessionController } from '../session/controller.ts';\nexport type X = SessionController;\n"],
    ['electron/core/store/planted.ts', "import type { Vault } from '../vault/vault.ts';\nexport type X = Vault;\n"],
    ['electron/core/store/planted.ts', "import type { MessagingEngine } from '../messaging/engine.ts';\nexport type X = MessagingEngine;\n"],
    ['electron/core/store/planted.ts', "import type { Handlers } from '../ipc/handlers/profiles.ts';\nexport type X = Handlers;\n"],
    ['electron/core/vault/planted.ts', "import type { SessionController } from '../session/controller.ts';\nexport type X = SessionController;\n"],
    ['electron/core/vault/planted.ts', "import type { MessagingLifecycle } from '../account/messaging-lifecycle.ts';\nexport type X = MessagingLifecycle;\n"],
    ['electron/core/session/planted.ts', "import type { MessagingSession } from '../messaging/index.ts';\nexport type X = MessagingSession;\n"],
    ['electron/core/messaging/planted.ts', "import type { StoredAccount } from '../account/stored-account.ts';\nexport type X = StoredAccount;\n"],
    ['electron/core/account/planted.ts', "import type { Core } from '../app.ts';\nexport type X = Core;\n"],
    ['electron/core/log/planted.ts', "import type { Dispatcher } from '../ipc/dispatcher.ts';\nexport type X = Dispatcher;\n"],
    ['electron/core/planted.ts', "import type { Store } from './store/store.ts';\nexport type X = Store;\n"],
  ])('refuses an upward import planted in %s (%#)', async (file, source) => {
    const errors = await layerErrors(file, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/dependencies point one way/);
  });

  it.each([
    ['electron/core/store/planted.ts', "import { CoreError } from '../errors.ts';\nimport type { Logger } from '../log/logger.ts';\nexport type X = [CoreError, Logger];\n"],
    ['electron/core/session/planted.ts', "import type { Vault } from '../vault/vault.ts';\nimport type { AuditLog } from '../audit/log.ts';\nexport type X = [Vault, AuditLog];\n"],
    ['electron/core/ipc/handlers/planted.ts', "import type { MessagingLifecycle } from '../../account/messaging-lifecycle.ts';\nexport type X = MessagingLifecycle;\n"],
    ['electron/core/compose/planted.ts', "import type { Handlers } from '../ipc/dispatcher.ts';\nexport type X = Handlers;\n"],
  ])('allows a downward import in %s (%#)', async (file, source) => {
    expect(await layerErrors(file, source)).toEqual([]);
  });
});

// node-shared/ holds what the client core and the patient gateway both run (audit chain, XMPP
// framing and stanzas): it may import shared/ only; the gateway never reaches into electron/.
describe('node-shared and the gateway stay apart from the desktop app', () => {
  it.each([
    ['node-shared/audit/planted.ts', "import { CoreError } from '../../electron/core/errors.ts';\nexport const x = CoreError;\n"],
    ['node-shared/xmpp/planted.ts', "import type { Config } from '../../gateway/config.ts';\nexport type X = Config;\n"],
    ['gateway/planted.ts', "import type { AuditLog } from '../electron/core/audit/log.ts';\nexport type X = AuditLog;\n"],
    ['electron/core/messaging/planted.ts', "import type { Config } from '../../../gateway/config.ts';\nexport type X = Config;\n"],
    ['shared/planted.ts', "import type { Config } from '../gateway/config.ts';\nexport type X = Config;\n"],
  ])('refuses the import planted in %s (%#)', async (file, source) => {
    expect((await layerErrors(file, source)).length).toBeGreaterThan(0);
  });

  it.each([
    ['gateway/planted.ts', "import { el } from '../node-shared/xmpp/xml.ts';\nimport type { AuditHead } from '../shared/contract/audit.ts';\nexport const x = el;\nexport type X = AuditHead;\n"],
    ['electron/core/audit/planted.ts', "import { canonicalRecord } from '../../../node-shared/audit/canonical.ts';\nexport const x = canonicalRecord;\n"],
    ['node-shared/audit/planted.ts', "import type { AuditHead } from '../../shared/contract/audit.ts';\nexport type X = AuditHead;\n"],
  ])('allows the import in %s (%#)', async (file, source) => {
    expect(await layerErrors(file, source)).toEqual([]);
  });
});
