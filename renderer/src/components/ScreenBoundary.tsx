import type { ReactNode } from 'react';
import { ErrorBoundary, type FallbackProps } from 'react-error-boundary';
import { useTranslation } from 'react-i18next';
import { Button } from './Button.tsx';
import { ErrorPanel } from './ErrorPanel.tsx';

/**
 * One per screen: a rendering error (hostile data the screen did not expect, a bug) replaces that
 * screen only, in plain words, with a way back; the rest of the app keeps working. Nothing about
 * the error is shown or logged (it could quote message text); it goes to the console by React only
 * in development builds.
 */
export function ScreenBoundary({ children, resetKey, back }: { children: ReactNode; resetKey: string; back?: () => void }) {
  return (
    <ErrorBoundary resetKeys={[resetKey]} fallbackRender={(props) => <ScreenFailed {...props} back={back} />}>
      {children}
    </ErrorBoundary>
  );
}

function ScreenFailed({ resetErrorBoundary, back }: FallbackProps & { back: (() => void) | undefined }) {
  const { t } = useTranslation();
  return (
    <ErrorPanel
      title={t('boundary.heading')}
      testId="screen-failed"
      action={
        <div className="error-panel__buttons">
          {back ? (
            <Button onClick={back} data-testid="screen-failed-back">
              {t('boundary.back')}
            </Button>
          ) : null}
          <Button variant="primary" onClick={resetErrorBoundary} data-testid="screen-failed-reload">
            {t('boundary.reload')}
          </Button>
        </div>
      }
    >
      <p>{t('boundary.body')}</p>
    </ErrorPanel>
  );
}

/** A part of a screen (the conversation list) that fails quietly in place rather than taking the screen with it. */
export function PartBoundary({ children, resetKey }: { children: ReactNode; resetKey: string }) {
  return (
    <ErrorBoundary resetKeys={[resetKey]} fallbackRender={({ resetErrorBoundary }) => <PartFailed retry={resetErrorBoundary} />}>
      {children}
    </ErrorBoundary>
  );
}

function PartFailed({ retry }: { retry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="part-failed" role="alert" data-testid="part-failed">
      <p>{t('boundary.part')}</p>
      <Button onClick={retry}>{t('boundary.reload')}</Button>
    </div>
  );
}
