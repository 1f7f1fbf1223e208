import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditIntegrity } from '../../../shared/contract/index.ts';
import type { Client } from '../api/client.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';

/**
 * When the activity record cannot be written, or was found removed, replaced or cut short, patient
 * information is closed. Staff read why; an administrator reads what was found and acknowledges it.
 */
export function TrailIntegrityNotice({ client }: { client: Client }) {
  const { t, i18n } = useTranslation();
  const [integrity, setIntegrity] = useState<AuditIntegrity | null>(null);
  const [error, setError] = useState<UiError>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let active = true;
    void client.call('audit.integrity', {}).then((result) => {
      if (active && result.ok) setIntegrity(result.value);
    });
    return () => {
      active = false;
    };
  }, [client]);

  if (integrity === null || integrity.state === 'ok') return null;

  const acknowledge = async () => {
    setBusy(true);
    const result = await client.call('audit.acknowledgeIntegrity', {});
    setBusy(false);
    if (result.ok) setIntegrity(result.value);
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
