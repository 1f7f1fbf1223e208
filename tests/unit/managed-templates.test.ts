import fs from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { MANAGED_KEYS } from '../../shared/contract/policy.ts';
import { mergeManaged } from '../../electron/core/policy/merge.ts';
import { parsePlistXml } from '../../electron/core/policy/macos-preferences.ts';
import { admxMissingKeys, linuxExampleMissingKeys, mobileconfigMissingKeys } from '../../build/managed/coverage.ts';
import { ROOT, managedOutputs, staleOutputs } from '../../build/managed/generate.ts';

interface Node {
  name: string;
  attributes: Record<string, string>;
  children: Node[];
}

/** Parses with a strict XML parser (throws on anything not well-formed) into a small tree. */
function parseXml(xml: string): Node {
  const parser = new SaxesParser();
  const root: Node = { name: '#document', attributes: {}, children: [] };
  const stack = [root];
  parser.on('opentag', (tag) => {
    const node: Node = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [] };
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return root.children[0] as Node;
}
const child = (node: Node | undefined, name: string): Node | undefined => node?.children.find((c) => c.name === name);
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const keys = Object.keys(MANAGED_KEYS);

describe('build/managed: generated from the schema', () => {
  it('the committed files are what the schema generates (run node build/managed/generate.ts)', () => {
    expect(staleOutputs()).toEqual([]);
  });

  it('names every key in the ADMX, the configuration profile and the Linux example', () => {
    expect(admxMissingKeys(read('build/managed/sealwire.admx'))).toEqual([]);
    expect(mobileconfigMissingKeys(read('build/managed/sealwire.mobileconfig'))).toEqual([]);
    expect(linuxExampleMissingKeys(read('build/managed/policy.example.json'))).toEqual([]);
    for (const key of keys) expect(read('docs/managed-configuration.md')).toContain(`\`${key}\``);
  });

  it('fails when a key is missing from a template', () => {
    const admx = managedOutputs()['build/managed/sealwire.admx'] ?? '';
    expect(admxMissingKeys(admx.replace('<policy name="kiosk" ', '<policy name="other" '))).toEqual(['kiosk']);
    const profile = managedOutputs()['build/managed/sealwire.mobileconfig'] ?? '';
    expect(mobileconfigMissingKeys(profile.replace('<key>auditAddress</key>', ''))).toEqual(['auditAddress']);
    const example = JSON.parse(managedOutputs()['build/managed/policy.example.json'] ?? '{}') as Record<string, unknown>;
    delete example.logLevel;
    expect(linuxExampleMissingKeys(JSON.stringify(example))).toEqual(['logLevel']);
    expect(linuxExampleMissingKeys('{')).toEqual(keys);
  });

  it('the ADMX is well-formed with policyDefinitions / categories / policies, and every reference resolves in the ADML', () => {
    const admx = parseXml(read('build/managed/sealwire.admx'));
    expect(admx.name).toBe('policyDefinitions');
    expect(admx.attributes.xmlns).toBe('http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions');
    expect(admx.children.map((c) => c.name)).toEqual(['policyNamespaces', 'resources', 'supportedOn', 'categories', 'policies']);
    const categories = new Set(child(admx, 'categories')?.children.map((c) => c.attributes.name));
    const policies = child(admx, 'policies')?.children ?? [];
    expect(policies.map((p) => p.attributes.name)).toEqual(keys);
    const adml = parseXml(read('build/managed/en-US/sealwire.adml'));
    expect(adml.name).toBe('policyDefinitionResources');
    const resources = child(adml, 'resources');
    const strings = new Set(child(resources, 'stringTable')?.children.map((s) => s.attributes.id));
    const presentations = new Set(child(resources, 'presentationTable')?.children.map((p) => p.attributes.id));
    for (const policy of policies) {
      expect(policy.attributes.key).toBe('Software\\Policies\\Sealwire');
      expect(categories.has(child(policy, 'parentCategory')?.attributes.ref)).toBe(true);
      expect(strings.has(/^\$\(string\.(.+)\)$/.exec(policy.attributes.displayName ?? '')?.[1])).toBe(true);
      expect(strings.has(/^\$\(string\.(.+)\)$/.exec(policy.attributes.explainText ?? '')?.[1])).toBe(true);
      const elements = child(policy, 'elements');
      if (elements === undefined) {
        expect(child(policy, 'enabledValue'), policy.attributes.name).toBeDefined();
        continue;
      }
      expect(presentations.has(/^\$\(presentation\.(.+)\)$/.exec(policy.attributes.presentation ?? '')?.[1])).toBe(true);
      for (const element of elements.children) expect(element.attributes.valueName).toBe(policy.attributes.name);
    }
  });

  it('the configuration profile and the Linux example are read back by the readers with nothing refused', () => {
    const profile = read('build/managed/sealwire.mobileconfig');
    const inner = /<key>PayloadContent<\/key>\s*<array>\s*(<dict>[\s\S]*?<\/dict>)\s*<\/array>/.exec(profile)?.[1] ?? '';
    parseXml(profile);
    const fromProfile = parsePlistXml(`<plist version="1.0">${inner}</plist>`);
    expect(fromProfile.ok && Object.keys(fromProfile.layer).sort()).toEqual([...keys].sort());
    expect(mergeManaged({ machine: fromProfile.ok ? fromProfile.layer : undefined }).policy.refused).toEqual([]);
    expect(mergeManaged({ machine: JSON.parse(read('build/managed/policy.example.json')) }).policy.refused).toEqual([]);
  });
});
