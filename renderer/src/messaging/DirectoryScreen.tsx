import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { useDirectory } from './useMessaging.ts';
import './directory.css';

const JID = /^[^\s@/]+@[^\s@/]+\.?[^\s@/]*$/;
const PRESENCE = ['available', 'chat', 'away', 'xa', 'dnd', 'unavailable'] as const;
type Presence = (typeof PRESENCE)[number];
const isPresence = (p: string | null): p is Presence => (PRESENCE as readonly (string | null)[]).includes(p);

/** Start a chat: pick a colleague from the directory, or type their address. */
export function DirectoryScreen({
  domain,
  open,
}: {
  /** Our own server's domain, so "jane" means "jane@clinic.example". */
  domain: string | null;
  open: (jid: string, name: string | null) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const { entries, error } = useDirectory({ askOnOpen: true });
  const [filter, setFilter] = useState('');
  const [address, setAddress] = useState('');
  const [invalid, setInvalid] = useState(false);
  const shown = (entries ?? []).filter((e) => `${e.displayName ?? ''} ${e.jid}`.toLowerCase().includes(filter.trim().toLowerCase()));

  const start = (event: FormEvent) => {
    event.preventDefault();
    const text = address.trim().toLowerCase();
    const jid = text.includes('@') || domain === null ? text : `${text}@${domain}`;
    if (!JID.test(jid) || jid.length > 3071) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    open(jid, null);
  };

  return (
    <section className="directory" aria-labelledby={`${id}-heading`} data-testid="directory">
      <div className="directory__header">
        <h1 id={`${id}-heading`}>{t('directory.heading')}</h1>
        <p className="directory__intro">{t('directory.intro')}</p>
      </div>
      <form className="directory__start" onSubmit={start}>
        <div className="field">
          <label htmlFor={`${id}-address`}>{t('directory.address')}</label>
          <div className="directory__start-row">
            <input
              id={`${id}-address`}
              autoFocus
              value={address}
              onChange={(e) => setAddress(e.target.value)}
              maxLength={3071}
              spellCheck={false}
              autoCapitalize="none"
              autoComplete="off"
              aria-invalid={invalid}
              aria-describedby={`${id}-address-note`}
              data-testid="directory-address"
            />
            <Button type="submit" variant="primary" data-testid="directory-start">
              {t('directory.start')}
            </Button>
          </div>
          <p id={`${id}-address-note`} className={invalid ? 'field__note field__note--error' : 'field__note'}>
            {invalid ? t('directory.invalid') : domain ? t('directory.addressHint', { domain }) : t('directory.addressHintNoDomain')}
          </p>
        </div>
      </form>
      <FormError error={error} secondsLeft={0} testId="directory-error" />
      <div className="directory__list-head">
        <h2>{t('directory.people')}</h2>
        <div className="field directory__filter">
          <label htmlFor={`${id}-filter`} className="visually-hidden">
            {t('directory.filter')}
          </label>
          <input id={`${id}-filter`} type="search" placeholder={t('directory.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
      </div>
      {entries === null && error === null ? (
        <p className="directory__empty">{t('common.loading')}</p>
      ) : shown.length === 0 ? (
        <p className="directory__empty">{entries && entries.length > 0 ? t('directory.noMatch') : t('directory.empty')}</p>
      ) : (
        <ul className="directory__list">
          {shown.map((entry) => (
            <li key={entry.jid}>
              <button type="button" className="directory__item" onClick={() => open(entry.jid, entry.displayName)} data-testid="directory-item">
                <span className="directory__name">{entry.displayName ?? entry.jid}</span>
                <span className="directory__jid">{entry.jid}</span>
                {isPresence(entry.presence) ? (
                  <span className={`directory__presence directory__presence--${entry.presence}`}>{t(`presence.${entry.presence}`)}</span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
