import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  readonly caCertPath: string;
  readonly caCertPem: string;
  readonly certPath: string;
  readonly keyPath: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed. Install it with: apt-get install -y openssl', { cause: err });
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`, { cause: err });
  }
}

/**
 * A throwaway CA and one server certificate signed by it, covering every name the fixture serves.
 * EC P-256 keeps generation in the tens of milliseconds; nothing here is ever trusted system-wide.
 */
export async function makeCertificates(dir: string, dnsNames: readonly string[]): Promise<TestCertificates> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    [
      'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '7',
      '-subj', '/CN=Sealwire throwaway test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  const san = [...dnsNames.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
  await openssl(
    [
      'req', '-x509', ...ec, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-keyout', 'localhost.key', '-out', 'localhost.crt',
      '-days', '7', '-subj', `/CN=${dnsNames[0] ?? 'localhost'}`,
      '-addext', `subjectAltName=${san}`,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext', 'extendedKeyUsage=serverAuth',
    ],
    dir,
  );
  const caCertPath = path.join(dir, 'ca.crt');
  return {
    caCertPath,
    caCertPem: await fs.readFile(caCertPath, 'utf8'),
    certPath: path.join(dir, 'localhost.crt'),
    keyPath: path.join(dir, 'localhost.key'),
  };
}
