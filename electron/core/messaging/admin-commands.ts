import type { EngineContext } from './context.ts';
import type { AdminAck, AdminCommandEvent } from './engine-types.ts';
import { bareJid, buildAdminAck, buildAdminCommand, NS_ADMIN, type AdminAction, type ParsedChat } from '../../../node-shared/xmpp/stanzas.ts';
import { child, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

interface Pending {
  readonly to: string;
  readonly acks: AdminAck[];
}

/**
 * Remote lock, wipe and policy refresh: obeyed only from the organisation's admin addresses; a
 * command from anyone else is refused at this boundary and audited (`messaging.rejected`).
 * The admin side sends commands and collects each device's acknowledgement.
 */
export class AdminCommands {
  private readonly ctx: EngineContext;
  private readonly admins: ReadonlySet<string>;
  private readonly run: ((command: AdminCommandEvent) => void | Promise<void>) | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(ctx: EngineContext, adminJids: readonly string[], run: ((command: AdminCommandEvent) => void | Promise<void>) | undefined) {
    this.ctx = ctx;
    this.admins = new Set(adminJids.map(bareJid));
    this.run = run;
  }

  handle(parsed: ParsedChat, stanza: XmlElement): void {
    const command = parsed.admin;
    if (command === null) return;
    const { log, manager } = this.ctx;
    const from = bareJid(parsed.from);
    if (!this.admins.has(from)) {
      log.warn('messaging.admin_command_ignored', { action: command.action, reason: 'not_admin' });
      this.ctx.reject('admin-not-admin', stanza);
      return;
    }
    log.info('messaging.admin_command', { action: command.action });
    const reply = (outcome: 'ok' | 'failed') => manager.send(buildAdminAck(parsed.from, this.ctx.newId(), command.id, outcome));
    const start = () =>
      Promise.resolve()
        .then(() => this.run?.({ action: command.action, commandId: command.id, from }))
        .then(
          () => {
            if (command.action !== 'wipe') reply('ok');
          },
          (err: unknown) => {
            log.error('messaging.admin_command_failed', { action: command.action, error: err });
            if (command.action !== 'wipe') reply('failed');
          },
        );
    if (command.action !== 'wipe') {
      void start();
      return;
    }
    // A wipe ends this connection with the keys: it is acknowledged on receipt, before it runs. What
    // we write while handling a read is held until that read's commit, so the wipe starts only after
    // the commit (a microtask later than the held acknowledgement is written), or the ack is lost.
    reply('ok');
    this.ctx.commit.later(() => void start());
  }

  /** A device's acknowledgement of a command we sent: counted only from the address we sent it to. */
  acked(stanza: XmlElement): void {
    const ack = child(stanza, 'ack', NS_ADMIN);
    const pending = ack?.attrs.id === undefined ? undefined : this.pending.get(ack.attrs.id);
    const from = stanza.attrs.from ?? '';
    if (ack === undefined || pending === undefined || bareJid(from) !== pending.to) return;
    const device = from.includes('/') ? from.slice(from.indexOf('/') + 1).slice(0, 64) : '';
    if (pending.acks.some((a) => a.device === device)) return;
    pending.acks.push({ device, outcome: ack.attrs.outcome === 'ok' ? 'ok' : 'failed' });
  }

  /**
   * Sends a command to every device of one staff member (their bare address reaches each
   * connected device) and collects acknowledgements for `waitMs`.
   */
  async send(to: string, action: AdminAction, waitMs: number): Promise<AdminAck[]> {
    const target = bareJid(to);
    const id = this.ctx.newId();
    const pending: Pending = { to: target, acks: [] };
    this.pending.set(id, pending);
    try {
      if (!this.ctx.manager.send(buildAdminCommand(target, id, action))) return [];
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      return [...pending.acks];
    } finally {
      this.pending.delete(id);
    }
  }
}
