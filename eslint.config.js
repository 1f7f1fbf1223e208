import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Layer rules (DESIGN.md §1) live here, not in a reviewer's memory.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const restrict = (...patterns) => ['error', { patterns }];
const noElectron = { group: ['electron', 'electron/*'], message: 'Only electron/main may import electron.' };
const noNode = { group: nodeBuiltins, message: 'This layer runs without Node built-ins.' };
const noElectronTree = {
  group: ['**/electron/**', '../electron/*', '../../electron/*'],
  message: 'Reach electron/ only through the IPC contract.',
};
const noRenderer = { group: ['**/renderer/**'], message: 'shared/ must not depend on the renderer.' };
const noGatewayTree = {
  group: ['**/gateway/**', '../gateway/*', '../../gateway/*'],
  message: 'Only the gateway itself imports gateway/.',
};
// node-shared/ is plain Node used by both the client core and the patient gateway: it may import
// shared/ only, never electron/, the renderer or the gateway.
const noElectronFromNodeShared = {
  group: ['**/electron/**', '../electron/*', '../../electron/*'],
  message: 'node-shared/ is used by the gateway too: it may import shared/ only.',
};
const noNodeLibs = {
  group: ['keytar', 'better-sqlite3-multiple-ciphers', 'electron-log', 'electron-log/*', 'ws'],
  message: 'This layer cannot use Node-only libraries.',
};

// Inside electron/core dependencies point one way, lowest first (issue 9): a folder may import its
// own layer and the layers before it, never a later one. Composition (compose/, app.ts) is last.
const coreLayers = [
  ['log', 'fs', 'keychain', 'sqlite'],
  ['ipc/dispatcher', 'attachments', 'policy', 'system'],
  ['store', 'shell'],
  ['vault'],
  ['audit'],
  ['session'],
  ['messaging'],
  ['account'],
  ['ipc/handlers'],
  ['compose'],
];
const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const laterThan = (index) => coreLayers.slice(index + 1).flat();
// 'ipc/dispatcher' is one file; every other entry is a folder.
const importOf = (entry) => (entry === 'ipc/dispatcher' ? 'ipc/dispatcher\\.ts$' : `${escapeRe(entry)}/`);
const noLaterLayer = (folder, index) => ({
  regex: `(^|/)(${[...laterThan(index).map(importOf), 'app\\.ts$'].join('|')})`,
  message: `electron/core/${folder} may not import ${laterThan(index).join(', ')} or app.ts: inside electron/core dependencies point one way (README, layer map).`,
});
const coreLayerRules = [
  ...coreLayers.flatMap((folders, index) =>
    folders.map((folder) => ({
      files: [folder === 'ipc/dispatcher' ? 'electron/core/ipc/dispatcher.ts' : `electron/core/${folder}/**`],
      rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noGatewayTree, noLaterLayer(folder, index)) },
    })),
  ),
  // errors.ts, paths.ts, events.ts sit with the first layer; app.ts composes everything.
  {
    files: ['electron/core/*.ts'],
    ignores: ['electron/core/app.ts'],
    rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noGatewayTree, noLaterLayer('(root files)', 0)) },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // electron-builder loads its hooks with require().
  { files: ['build/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['shared/**'], rules: { 'no-restricted-imports': restrict(noElectron, noNode, noElectronTree, noRenderer, noNodeLibs, noGatewayTree) } },
  // electron/core never imports the gateway (coreLayerRules); the demo in electron/dev may start it.
  { files: ['electron/core/**', 'electron/dev/**'], rules: { 'no-restricted-imports': restrict(noElectron, noRenderer) } },
  {
    files: ['node-shared/**'],
    rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noElectronFromNodeShared, noGatewayTree) },
  },
  {
    files: ['gateway/**'],
    rules: {
      'no-restricted-imports': restrict(noElectron, noRenderer, {
        group: ['**/electron/**', '../electron/*', '../../electron/*'],
        message: 'The gateway runs without the desktop app: share code through node-shared/ or shared/.',
      }),
    },
  },
  ...coreLayerRules,
  // The notifier is pure Node with no dependency on the rest of the gateway (it is wired into it):
  // it may import shared/ and its own folder only.
  {
    files: ['gateway/notify/**'],
    rules: {
      'no-restricted-imports': restrict(noElectron, noElectronTree, noRenderer, {
        regex: '^\\.\\./(?!\\.\\./shared/)',
        message: 'gateway/notify imports only shared/ and its own folder.',
      }),
    },
  },
  { files: ['electron/preload/**'], rules: { 'no-restricted-imports': restrict(noNode, noRenderer, noNodeLibs) } },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(noElectron, noNode, noElectronTree, noNodeLibs),
    },
  },
);
