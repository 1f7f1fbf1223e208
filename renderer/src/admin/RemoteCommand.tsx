import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResponseOf } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { Field } from '../components/Field.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';

type Action = 'lock' | 'wipe';
type Acks = ResponseOf<'admin.command'>['acks'];

/**
 * Remote lock or wipe of one staff member's devices. The confirmation names the person (display
 * name and address) and the address must be typed again; core checks that it matches, so a stale
 * screen cannot command someone else. Each device's acknowledgement is listed; none means no answer.
 */
export function RemoteCommand() {
  const client = useClient();
  const { t } = useTranslation();
  const directory = useContractQuery('messaging.directory', {});
  const [staff, setStaff] = useState('');
  const [action, setAction] = useState<Action>('lock');
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const [acks, setAcks] = useState<{ list: Acks; about: string; action: Action } | null>(null);
  const entries = directory.data?.entries ?? [];
  const chosen = entries.find((e) => e.jid === staff) ?? null;

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await client.call('admin.command', { staff, action, confirmAddress: typed.trim().toLowerCase() });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setAcks({ list: result.value.acks, about: chosen === null ? staff : `${chosen.displayName ?? chosen.jid} (${chosen.jid})`, action });
    setConfirming(false);
    setTyped('');
  };

  return (
    <section className="admin__section" aria-labelledby="admin-command-heading">
      <h3 id="admin-command-heading">{t('admin.command.heading')}</h3>
      <div className="admin__row">
        <div className="field">
          <label htmlFor="admin-staff">{t('admin.command.staff')}</label>
          <select id="admin-staff" value={staff} onChange={(e) => { setStaff(e.target.value); setConfirming(false); setAcks(null); }} data-testid="admin-staff">
            <option value="">{t('admin.command.choose')}</option>
            {entries.map((e) => (
              <option key={e.jid} value={e.jid}>
                {e.displayName === null ? e.jid : `${e.displayName} (${e.jid})`}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="admin__actions">
          <legend>{t('admin.command.action')}</legend>
          {(['lock', 'wipe'] as const).map((a) => (
            <label key={a}>
              <input type="radio" name="admin-action" value={a} checked={action === a} onChange={() => { setAction(a); setConfirming(false); }} data-testid={`admin-action-${a}`} />
              {t(`admin.command.${a}`)}
            </label>
          ))}
        </fieldset>
        <Button onClick={() => { setConfirming(true); setAcks(null); }} disabled={staff === '' || confirming} data-testid="admin-command-next">
          {t('admin.command.next')}
        </Button>
      </div>
      {confirming && chosen !== null ? (
        <form className="admin__confirm" role="alertdialog" aria-labelledby="admin-confirm-text" onSubmit={(e) => void send(e)} data-testid="admin-confirm">
          <p id="admin-confirm-text">{t(`admin.command.confirm_${action}`, { name: chosen.displayName ?? chosen.jid, address: chosen.jid })}</p>
          <Field id="admin-confirm-address" label={t('admin.command.typeAddress', { address: chosen.jid })} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" data-testid="admin-confirm-address" />
          <div className="admin__row">
            <Button variant="primary" type="submit" disabled={busy || typed.trim().toLowerCase() !== chosen.jid} data-testid="admin-command-send">
              {busy ? t('admin.command.waiting') : t(`admin.command.send_${action}`)}
            </Button>
            <Button onClick={() => setConfirming(false)}>{t('admin.command.cancel')}</Button>
          </div>
        </form>
      ) : null}
      <FormError error={error} secondsLeft={0} testId="admin-command-error" />
      {acks === null ? null : (
        <div role="status" data-testid="admin-acks">
          <p className="admin__acks-heading">{t(`admin.command.answers_${acks.action}`, { who: acks.about })}</p>
          {acks.list.length === 0 ? (
            <p>{t('admin.command.noAnswer')}</p>
          ) : (
            <ul className="admin__acks">
              {acks.list.map((ack) => (
                <li key={ack.device}>{t(`admin.command.ack_${ack.outcome}`, { device: ack.device })}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
