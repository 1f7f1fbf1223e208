import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditEventType, AuditIntegrityKind, AuditOutcome, ConnectionState, ErrorCode, MessageState, eventNames, methodNames } from '../../shared/contract/index.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { es } from '../../renderer/src/i18n/es.ts';
import { ACTIVITY_KIND_NAMES } from '../../renderer/src/activity/activity-summary.ts';

/**
 * Issue 11 #6: a raw key on screen ("auditEvent.attachment_send") is a bug this test catches.
 * Every key the renderer's code names, literally or through a template over a contract enum, must
 * exist in English and in Spanish. (At run time a missing key is also a console error, which the
 * end-to-end tests fail on.)
 */
const SRC = path.resolve(import.meta.dirname, '../../renderer/src');
const LANGUAGES = { en, es } as Record<string, unknown>;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'i18n' ? [] : sources(full);
    return /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

function has(resources: unknown, key: string): boolean {
  const leaf = (k: string) => {
    let node: unknown = resources;
    for (const part of k.split('.')) {
      if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return false;
      node = (node as Record<string, unknown>)[part];
    }
    return typeof node === 'string' && node.trim() !== '';
  };
  // i18next plurals: key_one / key_other.
  return leaf(key) || (leaf(`${key}_one`) && leaf(`${key}_other`));
}

const code = sources(SRC).map((file) => ({ file: path.relative(SRC, file), text: fs.readFileSync(file, 'utf8') }));
const SECTIONS = Object.keys(en);
const CONTRACT_NAMES = new Set<string>([...methodNames, ...eventNames, ...AuditEventType.options]);

/** Template keys the code builds, and every value the template can take (from the contract where it has one). */
const underscored = (names: readonly string[]) => names.map((n) => n.replace('.', '_'));
const TEMPLATES: Record<string, readonly string[]> = {
  'auditEvent.${eventKey(r.event)}': underscored(AuditEventType.options).map((e) => `auditEvent.${e}`),
  'errors.${known(error.code) ? error.code : \'unknown\'}': [...ErrorCode.options, 'unknown'].map((c) => `errors.${c}`),
  'errorHint.${error.code}': ['wrong_password', 'wrong_pin', 'network', 'certificate', 'unsupported', 'conflict', 'keychain_unavailable', 'audit_unavailable'].map((c) => `errorHint.${c}`),
  'activity.outcomes.${r.outcome}': AuditOutcome.options.map((o) => `activity.outcomes.${o}`),
  'activity.kinds.${kind}': ['all', ...ACTIVITY_KIND_NAMES].map((k) => `activity.kinds.${k}`),
  'activity.integrity.kind.${p.kind}': AuditIntegrityKind.options.map((k) => `activity.integrity.kind.${k}`),
  'messageState.${message.state}': MessageState.options.map((s) => `messageState.${s}`),
  'messaging.state.${state}': ConnectionState.options.map((s) => `messaging.state.${s}`),
  'messaging.banner.${state}.title': ['auth_failed', 'cert_failed', 'insecure_server'].map((s) => `messaging.banner.${s}.title`),
  'messaging.banner.${state}.body': ['auth_failed', 'cert_failed', 'insecure_server'].map((s) => `messaging.banner.${s}.body`),
  'connection.${connection}': ['connecting', 'open', 'closed'].map((s) => `connection.${s}`),
  'lock.reason.${session.reason}': ['idle', 'os_lock', 'suspend', 'hotkey', 'button', 'remote_lock', 'max_session'].map((r) => `lock.reason.${r}`),
  'platform.${known}': ['linux', 'win32', 'darwin'].map((p) => `platform.${p}`),
  'admin.command.${a}': ['lock', 'wipe'].map((a) => `admin.command.${a}`),
  'admin.command.confirm_${action}': ['lock', 'wipe'].map((a) => `admin.command.confirm_${a}`),
  'admin.command.send_${action}': ['lock', 'wipe'].map((a) => `admin.command.send_${a}`),
  'admin.command.answers_${acks.action}': ['lock', 'wipe'].map((a) => `admin.command.answers_${a}`),
  'admin.command.ack_${ack.outcome}': ['ok', 'failed'].map((o) => `admin.command.ack_${o}`),
  'presence.${entry.presence}': ['available', 'chat', 'away', 'xa', 'dnd', 'unavailable'].map((p) => `presence.${p}`),
};

describe('renderer: every translation key in code exists in English and Spanish', () => {
  it('finds the literal keys (t calls and key constants) in both languages', () => {
    const literal = new Set<string>();
    for (const { text } of code) {
      for (const m of text.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z_]+)+)'/g)) {
        // Contract method and event names ('messaging.send') share the look of keys; they are not keys.
        if (SECTIONS.includes(m[1]!.split('.')[0]!) && !CONTRACT_NAMES.has(m[1]!)) literal.add(m[1]!);
      }
    }
    expect(literal.size).toBeGreaterThan(100);
    const missing = [...literal].flatMap((key) => Object.entries(LANGUAGES).filter(([, r]) => !has(r, key)).map(([lang]) => `${lang}: ${key}`));
    expect(missing).toEqual([]);
  });

  it('knows every template key the code builds, and each of its values exists in both languages', () => {
    const templates = code.flatMap(({ file, text }) => [...text.matchAll(/\bt\(`([^`]*)`/g)].map((m) => ({ file, template: m[1]! })));
    const unknown = templates.filter(({ template }) => !Object.hasOwn(TEMPLATES, template));
    // A new template key must be listed in TEMPLATES with every value it can take.
    expect(unknown).toEqual([]);
    const missing = Object.values(TEMPLATES)
      .flat()
      .flatMap((key) => Object.entries(LANGUAGES).filter(([, r]) => !has(r, key)).map(([lang]) => `${lang}: ${key}`));
    expect(missing).toEqual([]);
  });

  it('has the same keys in Spanish as in English, none left empty', () => {
    const keys = (node: unknown, prefix = ''): string[] =>
      typeof node === 'string' ? [prefix] : Object.entries(node as object).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
    expect(keys(es).sort()).toEqual(keys(en).sort());
    expect(keys(es).filter((k) => !has(es, k))).toEqual([]);
  });
});
