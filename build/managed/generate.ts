import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderLinuxExample, renderMobileconfig } from './apple-and-linux.ts';
import { renderMsiFragment } from './msi-properties.ts';
import { renderReferenceDoc } from './reference-doc.ts';
import { renderAdml, renderAdmx } from './windows-templates.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every file generated from the managed-key schema, by path from the project root. */
export function managedOutputs(): Record<string, string> {
  return {
    'build/managed/sealwire.admx': renderAdmx(),
    'build/managed/en-US/sealwire.adml': renderAdml(),
    'build/managed/sealwire.mobileconfig': renderMobileconfig(),
    'build/managed/policy.example.json': renderLinuxExample(),
    'build/managed/sealwire-msi.wxs': renderMsiFragment(),
    'docs/managed-configuration.md': renderReferenceDoc(),
  };
}

/** Files whose committed text differs from what the schema generates now. */
export function staleOutputs(): string[] {
  return Object.entries(managedOutputs())
    .filter(([file, text]) => !fs.existsSync(path.join(ROOT, file)) || fs.readFileSync(path.join(ROOT, file), 'utf8') !== text)
    .map(([file]) => file);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, text] of Object.entries(managedOutputs())) {
    fs.mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
    fs.writeFileSync(path.join(ROOT, file), text);
    console.log(`wrote ${file}`);
  }
}
