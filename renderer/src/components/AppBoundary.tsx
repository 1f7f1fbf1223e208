import type { ReactNode } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
import { useTranslation } from 'react-i18next';
import { Button } from './Button.tsx';
import { ErrorPanel } from './ErrorPanel.tsx';

/**
 * The last net under the per-screen boundaries (a failure in the frame itself: top bar, side bar).
 * Reloading the page is the way back: it also drops anything the failed screen held.
 */
export function AppBoundary({ children }: { children: ReactNode }) {
  return <ErrorBoundary fallbackRender={() => <AppFailed />}>{children}</ErrorBoundary>;
}

function AppFailed() {
  const { t } = useTranslation();
  return (
    <div className="app-failed">
      <ErrorPanel
        title={t('boundary.heading')}
        testId="app-failed"
        action={
          <Button variant="primary" onClick={() => window.location.reload()}>
            {t('boundary.reload')}
          </Button>
        }
      >
        <p>{t('boundary.body')}</p>
      </ErrorPanel>
    </div>
  );
}
