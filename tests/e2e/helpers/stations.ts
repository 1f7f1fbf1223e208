import type { Browser } from 'playwright-core';
import type { ProsodyHandle } from '../../../electron/dev/prosody/index.ts';
import { launchChromium } from '../../support/chromium.ts';
import { requireBuiltRenderer, startServer, startStation, type Staff, type TestWorkstation } from './sealwire.ts';

export interface Stations {
  readonly prosody: ProsodyHandle;
  /** One workstation per name: each its own core, data folder and keychain service (a device). */
  readonly stations: TestWorkstation[];
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * The end-to-end fixture: a real Prosody on loopback with these staff accounts, workstations
 * whose managed configuration names it, and one Chromium for their renderers.
 */
export async function startStations(
  names: readonly string[],
  staff: readonly Staff[],
  options: { httpUpload?: boolean; directory?: boolean; admins?: readonly string[] } = {},
): Promise<Stations> {
  await requireBuiltRenderer();
  const prosody = await startServer(
    staff.map(({ username, password }) => ({ username, password })),
    {
      httpUpload: options.httpUpload ?? false,
      ...(options.directory ? { directory: staff.map(({ username, displayName }) => ({ username, name: displayName })) } : {}),
    },
  );
  const stations: TestWorkstation[] = [];
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await Promise.all(stations.map((ws) => ws.close()));
    await prosody.stop();
  };
  try {
    stations.push(...(await Promise.all(names.map((name) => startStation(name, prosody, options.admins?.map((u) => `${u}@${prosody.domain}`))))));
    browser = await launchChromium();
  } catch (err) {
    await close();
    throw err;
  }
  return { prosody, stations, browser, close };
}
