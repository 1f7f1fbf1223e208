import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EVIDENCE_MAP } from '../../../shared/compliance/evidence-map.ts';
import { renderEvidenceHtml } from '../../../shared/compliance/evidence-report.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';
import { downloadText, today } from './download.ts';

/**
 * Exports from the activity screen: everyone exports their own activity (CSV); an administrator
 * also exports the compliance evidence (this workstation's checks, in the report `npm run evidence`
 * writes). Core records both exports in the audit trail.
 */
export function ActivityExports({ isAdmin }: { isAdmin: boolean }) {
  const client = useClient();
  const { t } = useTranslation();
  const [busy, setBusy] = useState<'mine' | 'evidence' | null>(null);
  const [error, setError] = useState<UiError>(null);
  const [done, setDone] = useState<string | null>(null);

  const exportMine = async () => {
    setBusy('mine');
    setError(null);
    setDone(null);
    const result = await client.call('audit.export', { format: 'csv', scope: 'mine' });
    setBusy(null);
    if (!result.ok) return setError(result.error);
    downloadText(`sealwire-my-activity-${today()}.csv`, 'text/csv', result.value.text);
    setDone(t('activity.exported', { count: result.value.count }));
  };

  const exportEvidence = async () => {
    setBusy('evidence');
    setError(null);
    setDone(null);
    const result = await client.call('compliance.deviceEvidence', {});
    setBusy(null);
    if (!result.ok) return setError(result.error);
    const device = result.value;
    const html = renderEvidenceHtml(EVIDENCE_MAP, {
      generatedAt: device.checkedAt,
      version: device.appVersion,
      commit: null,
      testMachine: null,
      servers: [],
      results: null,
      device,
      deviceNote: 'Exported from this workstation by an administrator.',
    });
    downloadText(`sealwire-evidence-${device.appVersion}-${today()}.html`, 'text/html', html);
    setDone(t('activity.evidenceExported'));
  };

  return (
    <div className="activity__exports">
      <Button onClick={() => void exportMine()} disabled={busy !== null} data-testid="activity-export">
        {busy === 'mine' ? t('common.loading') : t('activity.export')}
      </Button>
      {isAdmin ? (
        <Button onClick={() => void exportEvidence()} disabled={busy !== null} data-testid="evidence-export">
          {busy === 'evidence' ? t('common.loading') : t('activity.exportEvidence')}
        </Button>
      ) : null}
      {done === null ? null : (
        <p className="activity__done" role="status" data-testid="activity-export-done">
          {done}
        </p>
      )}
      <FormError error={error} secondsLeft={0} testId="activity-export-error" />
    </div>
  );
}
