import { protocol } from 'electron';
import { APP_ORIGIN } from '../../shared/contract/index.ts';
import type { Logger } from '../core/log/logger.ts';
import { serveAppRequest } from '../core/shell/protocol.ts';

export const APP_SCHEME = new URL(APP_ORIGIN).protocol.slice(0, -1);

/** Must run before app 'ready': app:// behaves like https (secure context, fetch, standard URLs). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false },
    },
  ]);
}

/** Serves dist/renderer on app://sealwire with the security headers; the decisions live in core/shell. */
export function handleAppProtocol(rendererDir: string, log: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    try {
      const answer = await serveAppRequest(rendererDir, request.method, request.url);
      if (answer.status !== 200) log.warn('shell.protocol_refused', { status: answer.status });
      return new Response(answer.body === null ? null : new Uint8Array(answer.body), {
        status: answer.status,
        headers: answer.headers,
      });
    } catch (err) {
      log.error('shell.protocol_failed', { error: err });
      return new Response(null, { status: 500 });
    }
  });
}
