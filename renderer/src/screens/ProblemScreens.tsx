import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button.tsx';
import { ErrorPanel } from '../components/ErrorPanel.tsx';

/** Main (or the bridge) refused, dropped or never answered the connection. */
export function UnreachableScreen() {
  const { t } = useTranslation();
  // A reload starts a fresh connection (the bridge token survives in this tab's sessionStorage).
  return (
    <ErrorPanel
      title={t('error.unreachableTitle')}
      testId="unreachable"
      action={
        <Button variant="primary" onClick={() => window.location.reload()}>
          {t('error.retry')}
        </Button>
      }
    >
      <p>{t('error.unreachableBody')}</p>
    </ErrorPanel>
  );
}

/** Reached, but the answer was an error; the details stay in main's log, never on screen. */
export function FailedScreen({ retry }: { retry: () => void }) {
  const { t } = useTranslation();
  return (
    <ErrorPanel
      title={t('error.failedTitle')}
      testId="failed"
      action={
        <Button variant="primary" onClick={retry}>
          {t('error.retry')}
        </Button>
      }
    >
      <p>{t('error.failedBody')}</p>
    </ErrorPanel>
  );
}
