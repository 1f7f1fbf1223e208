import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { startGateway } from './service.ts';

// `npm run gateway -- --config /etc/sealwire/gateway.json`. Exits non-zero with one plain line
// when the config, a secret or the XMPP server is wrong, so systemd shows why.
const { values } = parseArgs({ options: { config: { type: 'string' } } });
if (values.config === undefined) {
  process.stderr.write('usage: npm run gateway -- --config FILE\n');
  process.exit(2);
}
try {
  const gateway = await startGateway(loadConfig(values.config));
  process.stdout.write(`patient gateway: component ${gateway.ctx.xmpp.domain}, patient page on port ${gateway.webPort}\n`);
  const stop = () => {
    gateway.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (err) {
  process.stderr.write(`patient gateway did not start: ${err instanceof Error ? err.message : 'unknown error'}\n`);
  process.exit(1);
}
