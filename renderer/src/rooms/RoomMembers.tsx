import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, RoomMember } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery, useInvalidate } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import { nameFor } from '../messaging/useMessaging.ts';
import type { UiError } from '../session/errors.ts';
import './rooms.css';

const memberName = (m: RoomMember, directory: readonly DirectoryEntry[] | null): string =>
  m.nick !== '' ? m.nick : m.jid !== null ? nameFor(m.jid, directory) : '?';

/** A room's members beside its thread: who is in it and here now; owners invite and remove; anyone may leave. */
export function RoomMembers({
  room,
  own,
  directory,
  left,
}: {
  room: string;
  own: string | null;
  directory: readonly DirectoryEntry[] | null;
  left: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const client = useClient();
  const invalidate = useInvalidate();
  const { data, error: loadError } = useContractQuery('messaging.roomMembers', { room });
  const [pick, setPick] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const members = [...(data?.members ?? [])].sort((a, b) => memberName(a, directory).localeCompare(memberName(b, directory)));
  const isOwner = members.some((m) => m.jid === own && m.affiliation === 'owner');
  const inRoom = new Set(members.flatMap((m) => (m.jid === null ? [] : [m.jid])));
  const invitable = (directory ?? []).filter((d) => d.jid !== own && !inRoom.has(d.jid));

  const act = async (call: () => ReturnType<typeof client.call>) => {
    setBusy(true);
    const result = await call();
    setBusy(false);
    if (!result.ok) setError(result.error);
    else setError(null);
    invalidate(['messaging.roomMembers', { room }]);
    return result.ok;
  };
  const invite = async (event: FormEvent) => {
    event.preventDefault();
    if (pick === '') return;
    if (await act(() => client.call('messaging.inviteToRoom', { room, member: pick }))) setPick('');
  };
  const leave = async () => {
    const result = await client.call('messaging.leaveRoom', { room });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    invalidate(['conversations.inbox'], ['messaging.rooms']);
    left();
  };

  return (
    <aside className="room-members" aria-labelledby={`${id}-heading`} data-testid="room-members">
      <h2 id={`${id}-heading`} className="room-members__heading">
        <Icon name="users" />
        {t('rooms.members')}
        {data ? <span className="room-members__count">{t('rooms.membersCount', { count: members.length })}</span> : null}
      </h2>
      <FormError error={error ?? loadError} secondsLeft={0} testId="room-members-error" />
      {data === null && loadError === null ? <p className="room-members__empty">{t('rooms.loadingMembers')}</p> : null}
      <ul className="room-members__list">
        {members.map((m) => {
          const name = memberName(m, directory);
          const me = m.jid !== null && m.jid === own;
          return (
            <li key={m.jid ?? `nick:${m.nick}`} className="room-members__item" data-testid="room-member" data-jid={m.jid ?? ''}>
              <span className={`room-members__dot${m.present === false ? '' : ' room-members__dot--here'}`} aria-hidden="true" />
              <span className="room-members__who">
                <span className="room-members__name" dir="auto">
                  {name}
                  {me ? ` (${t('rooms.you')})` : null}
                </span>
                <span className="room-members__note">
                  {m.affiliation === 'owner' ? `${t('rooms.owner')} · ` : null}
                  {m.present === false ? t('rooms.away') : t('rooms.here')}
                </span>
              </span>
              {isOwner && !me && m.jid !== null ? (
                <Button
                  className="room-members__remove"
                  disabled={busy}
                  aria-label={t('rooms.removeLabel', { name })}
                  onClick={() => void act(() => client.call('messaging.removeFromRoom', { room, member: m.jid ?? '' }))}
                  data-testid="room-member-remove"
                >
                  {t('rooms.remove')}
                </Button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {invitable.length > 0 ? (
        <form className="room-members__invite" onSubmit={(e) => void invite(e)}>
          <label htmlFor={`${id}-invite`}>{t('rooms.inviteOne')}</label>
          <div className="room-members__invite-row">
            <select id={`${id}-invite`} value={pick} onChange={(e) => setPick(e.target.value)} data-testid="room-invite-pick">
              <option value="">{t('rooms.choose')}</option>
              {invitable.map((d) => (
                <option key={d.jid} value={d.jid}>
                  {d.displayName ?? d.jid}
                </option>
              ))}
            </select>
            <Button type="submit" disabled={busy || pick === ''} data-testid="room-invite">
              {t('rooms.inviteButton')}
            </Button>
          </div>
        </form>
      ) : null}
      <div className="room-members__leave">
        {confirming ? (
          <div role="alertdialog" aria-labelledby={`${id}-leave`} className="room-members__confirm">
            <p id={`${id}-leave`}>{t('rooms.leaveConfirm')}</p>
            <div className="room-members__confirm-actions">
              <Button variant="primary" onClick={() => void leave()} data-testid="room-leave-confirm" autoFocus>
                {t('rooms.leaveYes')}
              </Button>
              <Button onClick={() => setConfirming(false)}>{t('rooms.cancel')}</Button>
            </div>
          </div>
        ) : (
          <Button onClick={() => setConfirming(true)} data-testid="room-leave">
            <Icon name="logout" />
            {t('rooms.leave')}
          </Button>
        )}
      </div>
    </aside>
  );
}
