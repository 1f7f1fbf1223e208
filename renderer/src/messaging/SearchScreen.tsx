import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, InboxEntry, SearchHit } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { When } from '../components/When.tsx';
import type { UiError } from '../session/errors.ts';
import { fileNameOfSnippet, unmarked } from './attachment-name.ts';
import { nameFor } from './useMessaging.ts';
import './search.css';

/** Snippet text with matches between U+0002 and U+0003, as text and <mark> children (never HTML). */
function highlighted(snippet: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let rest = snippet;
  let key = 0;
  for (;;) {
    const start = rest.indexOf('\u0002');
    if (start < 0) break;
    const end = rest.indexOf('\u0003', start + 1);
    if (end < 0) break;
    if (start > 0) parts.push(rest.slice(0, start));
    parts.push(<mark key={key++}>{rest.slice(start + 1, end)}</mark>);
    rest = rest.slice(end + 1);
  }
  parts.push(unmarked(rest));
  return parts;
}

/** Full-text search over this staff member's own store (recorded in the audit trail, terms never in clear). */
export function SearchScreen({
  inbox,
  directory,
  open,
}: {
  inbox: readonly InboxEntry[] | null;
  directory: readonly DirectoryEntry[] | null;
  /** Opens the conversation at the hit's message. */
  open: (entry: InboxEntry, hitId: number) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const id = useId();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<readonly SearchHit[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = query.trim();
    if (busy || text === '') return;
    setBusy(true);
    const result = await client.call('messages.search', { query: text.slice(0, 200), limit: 50 });
    setBusy(false);
    if (result.ok) {
      setHits(result.value.hits);
      setError(null);
    } else setError(result.error);
  };

  return (
    <section className="search" aria-labelledby={`${id}-heading`} data-testid="search">
      <h1 id={`${id}-heading`}>{t('search.heading')}</h1>
      <form className="search__form" onSubmit={(e) => void submit(e)} role="search">
        <label htmlFor={`${id}-query`} className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          id={`${id}-query`}
          type="search"
          autoFocus
          value={query}
          maxLength={200}
          placeholder={t('search.placeholder')}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="search-input"
        />
        <Button type="submit" variant="primary" disabled={busy || query.trim() === ''} data-testid="search-submit">
          {busy ? t('search.searching') : t('search.submit')}
        </Button>
      </form>
      <FormError error={error} secondsLeft={0} testId="search-error" />
      {hits === null ? null : hits.length === 0 ? (
        <p className="search__empty" role="status">
          {t('search.none')}
        </p>
      ) : (
        <ul className="search__hits" aria-label={t('search.results', { count: hits.length })}>
          {hits.map((hit) => {
            const entry = inbox?.find((e) => e.id === hit.conversationId) ?? null;
            const file = fileNameOfSnippet(hit.snippet);
            return (
              <li key={hit.messageId}>
                <button type="button" className="search__hit" disabled={entry === null} onClick={() => entry && open(entry, hit.messageId)} data-testid="search-hit">
                  <span className="search__meta">
                    <span className="search__who">{entry?.title ?? nameFor(entry?.jid ?? hit.senderJid, directory)}</span>
                    <When time={hit.sentAt} full />
                  </span>
                  <span className="search__snippet" dir="auto">
                    {file !== null ? t('inbox.attachmentPreview', { name: file }) : highlighted(hit.snippet)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
