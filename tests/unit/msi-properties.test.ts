import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { MSI_COMPONENT_GROUP, MSI_PROPERTIES, renderMsiFragment } from '../../build/managed/msi-properties.ts';
import { REGISTRY_KEY } from '../../electron/core/policy/windows-registry.ts';
import { ORGANISATION_KEYS } from '../../shared/contract/managed-keys.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** A project shaped like electron-builder's MSI template (the parts the hook touches). */
const PROJECT = `<?xml version="1.0" encoding="UTF-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Sealwire" UpgradeCode="{CB368FD7-ED93-47BB-A9E7-E6AC60011D83}" Version="0.1.0" Language="1033" Manufacturer="Sealwire">
    <Package Compressed="yes" InstallScope="perMachine" />
    <Feature Id="ProductFeature" Absent="disallow">
      <ComponentGroupRef Id="ProductComponents" />
    </Feature>
  </Product>
  <Fragment><ComponentGroup Id="ProductComponents" Directory="APPLICATIONFOLDER" /></Fragment>
</Wix>
`;

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

function parse(xml: string): Element {
  const parser = new SaxesParser({ xmlns: false });
  const stack: Element[] = [{ name: '#root', attrs: {}, children: [], text: '' }];
  parser.on('opentag', (tag) => {
    const el: Element = { name: tag.name, attrs: tag.attributes as Record<string, string>, children: [], text: '' };
    stack.at(-1)!.children.push(el);
    stack.push(el);
  });
  parser.on('text', (t) => {
    stack.at(-1)!.text += t;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return stack[0]!.children[0]!;
}
const all = (el: Element, name: string): Element[] => [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];

describe('MSI public properties write the managed configuration', () => {
  it('the committed fragment is what the schema generates', () => {
    expect(fs.readFileSync(path.join(root, 'build', 'managed', 'sealwire-msi.wxs'), 'utf8')).toBe(renderMsiFragment());
  });

  it('every organisation setting has a property; each writes its key under HKLM\\Software\\Policies\\Sealwire only when set', async () => {
    expect(MSI_PROPERTIES.map((p) => p.key)).toEqual(expect.arrayContaining(Object.keys(ORGANISATION_KEYS)));
    const dir = makeTempDir('msi');
    const project = path.join(dir, 'project.wxs');
    fs.writeFileSync(project, PROJECT);
    const hook = require(path.join(root, 'build', 'msi-project.cjs')) as (file: string) => Promise<void>;
    await hook(project);
    const once = fs.readFileSync(project, 'utf8');
    await hook(project);
    expect(fs.readFileSync(project, 'utf8')).toBe(once);

    const wix = parse(once);
    const feature = all(wix, 'Feature')[0]!;
    expect(all(feature, 'ComponentGroupRef').map((r) => r.attrs.Id)).toEqual([MSI_COMPONENT_GROUP, 'ProductComponents']);
    expect(all(wix, 'Property').map((p) => [p.attrs.Id, p.attrs.Secure])).toEqual(MSI_PROPERTIES.map((p) => [p.property, 'yes']));
    const components = all(wix, 'Component');
    expect(new Set(components.map((c) => c.attrs.Guid)).size).toBe(MSI_PROPERTIES.length);
    for (const p of MSI_PROPERTIES) {
      const component = components.find((c) => c.attrs.Id === `Managed${p.property}`)!;
      expect(all(component, 'Condition')[0]!.text).toBe(p.property);
      const value = all(component, 'RegistryValue')[0]!;
      expect(value.attrs).toMatchObject({ Root: 'HKLM', Key: REGISTRY_KEY, Name: p.key, KeyPath: 'yes' });
      if (p.form === 'pem') expect(all(value, 'MultiStringValue').map((v) => v.text)).toEqual(['-----BEGIN CERTIFICATE-----', `[${p.property}]`, '-----END CERTIFICATE-----']);
      else expect(value.attrs.Value).toBe(`[${p.property}]`);
    }
    await removeTempDirs();
  });

  it('electron-builder runs the hook for the MSI', () => {
    expect(fs.readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8')).toMatch(/^msiProjectCreated: build\/msi-project\.cjs$/m);
  });
});
