import { randomUUID } from 'node:crypto';
import { createCore, type Core, type CoreOptions } from '../../electron/core/app.ts';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import type { MethodName, RequestOf, ResponseOf, Result } from '../../shared/contract/index.ts';
import { fakeTime } from './fake-time.ts';
import { makeTempDir } from './temp-dir.ts';

export interface TestCore {
  readonly core: Core;
  readonly dataDir: string;
  readonly keychain: Keychain;
  /** The core's clock and timers: time moves only when the test advances it. */
  readonly time: ReturnType<typeof fakeTime>;
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>>;
  /** Closes the core (idempotent); `forget()` also deletes its keychain entries. */
  close(): Promise<void>;
  forget(): Promise<void>;
}

/**
 * A whole core as main hosts it: the real keychain (its own service), real files in a temp folder,
 * a fake clock. Pass `dataDir` and `keychain` of an earlier one to restart the same device.
 */
export async function startTestCore(
  opts: { dataDir?: string; keychain?: Keychain } & Pick<CoreOptions, 'server'> = {},
): Promise<TestCore> {
  const dataDir = opts.dataDir ?? makeTempDir('core');
  const keychain = opts.keychain ?? createKeytarKeychain(`Sealwire-test-${randomUUID()}`);
  const time = fakeTime(Date.now());
  const core = createCore({
    appVersion: '0.0.0-test',
    dataDir,
    runtime: 'bridge',
    log: silentLogger,
    keychain,
    clock: time,
    timers: time,
    statusIntervalMs: 60_000,
    ...(opts.server === undefined ? {} : { server: opts.server }),
  });
  await core.ready;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await core.close();
  };
  return {
    core,
    dataDir,
    keychain,
    time,
    call: ((method, request) => core.dispatcher.call(method, request, { transport: 'bridge' })) as TestCore['call'],
    close,
    async forget() {
      await close();
      for (const account of await keychain.accounts().catch(() => [])) await keychain.delete(account).catch(() => false);
    },
  };
}
