import type { EngineContext } from './context.ts';
import type { AdminCommandEvent } from './engine-types.ts';
import { bareJid, buildAdminAck, type ParsedChat } from '../../../node-shared/xmpp/stanzas.ts';

/** Remote lock, wipe and policy refresh: obeyed only from the organisation's admin addresses. */
export class AdminCommands {
  private readonly ctx: EngineContext;
  private readonly admins: ReadonlySet<string>;
  private readonly run: ((command: AdminCommandEvent) => void | Promise<void>) | undefined;

  constructor(ctx: EngineContext, adminJids: readonly string[], run: ((command: AdminCommandEvent) => void | Promise<void>) | undefined) {
    this.ctx = ctx;
    this.admins = new Set(adminJids.map(bareJid));
    this.run = run;
  }

  handle(parsed: ParsedChat): void {
    const command = parsed.admin;
    if (command === null) return;
    const { log, manager } = this.ctx;
    const from = bareJid(parsed.from);
    if (!this.admins.has(from)) {
      log.warn('messaging.admin_command_ignored', { action: command.action, reason: 'not_admin' });
      return;
    }
    log.info('messaging.admin_command', { action: command.action });
    const reply = (outcome: 'ok' | 'failed') => manager.send(buildAdminAck(parsed.from, this.ctx.newId(), command.id, outcome));
    Promise.resolve()
      .then(() => this.run?.({ action: command.action, commandId: command.id, from }))
      .then(
        () => reply('ok'),
        (err: unknown) => {
          log.error('messaging.admin_command_failed', { action: command.action, error: err });
          reply('failed');
        },
      );
  }
}
