import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditIntegrity } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';

/**
 * When the activity record cannot be written, or was found removed, replaced or cut short, patient
 * information is closed. Staff read why; an administrator reads what was found and acknowledges it.
 */
export function TrailIntegrityNotice() {
  const client = useClient();
  const { t, i18n } = useTranslation();
  const asked = useContractQuery('audit.integrity', {}, { askOnOpen: true });
  const [acknowledged, setAcknowledged] = useState<AuditIntegrity | null>(null);
  const [error, setError] = useState<UiError>(null);
  const [busy, setBusy] = useState(false);
  const integrity = acknowledged ?? asked.data;

  if (integrity === null || integrity.state === 'ok') return null;

  const acknowledge = async () => {
    setBusy(true);
    const result = await client.call('audit.acknowledgeIntegrity', {});
    setBusy(false);
    if (result.ok) setAcknowledged(result.value);
    else setError(result.error);
  };

  const date = (ms: number) => new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
  return (
    <div className="activity__integrity" role="alert" data-testid="audit-integrity" data-state={integrity.state}>
      {integrity.state === 'unavailable' ? (
        <p>{t('activity.integrity.unavailable')}</p>
      ) : integrity.canAcknowledge ? (
        <>
          <p>{t('activity.integrity.adminIntro')}</p>
          <ul>
            {integrity.problems.map((p) => (
              <li key={`${p.kind}-${p.detectedAt}`} data-testid="audit-integrity-problem">
                {t(`activity.integrity.kind.${p.kind}`, { known: p.knownSeq, found: p.foundSeq, when: date(p.detectedAt) })}
              </li>
            ))}
          </ul>
          <FormError error={error} secondsLeft={0} testId="audit-integrity-error" />
          <Button onClick={() => void acknowledge()} disabled={busy} data-testid="audit-acknowledge">
            {t('activity.integrity.acknowledge')}
          </Button>
        </>
      ) : (
        <p>{t('activity.integrity.staff')}</p>
      )}
    </div>
  );
}
