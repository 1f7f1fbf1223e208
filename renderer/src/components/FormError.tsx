import { useTranslation } from 'react-i18next';
import type { ErrorCode } from '../../../shared/contract/index.ts';
import { errorText } from '../i18n/error-text.ts';
import type { UiError } from '../session/errors.ts';
import { Icon } from './Icon.tsx';
import './form-error.css';

/** Codes that get a short hint of our own after the error (what to do next). */
const HINTED = ['wrong_password', 'wrong_pin', 'network', 'certificate', 'unsupported', 'conflict', 'keychain_unavailable', 'audit_unavailable'] as const;
type Hinted = (typeof HINTED)[number];
const isHinted = (code: ErrorCode | 'local'): code is Hinted => (HINTED as readonly string[]).includes(code);

/**
 * A failure in plain words in the UI language (translated from main's code, never main's English
 * sentence), a hint for the common codes, and for rate limits a live countdown. Announced at once
 * (role="alert"). Never PHI.
 */
export function FormError({ error, secondsLeft, testId = 'form-error' }: { error: UiError; secondsLeft: number; testId?: string }) {
  const { t } = useTranslation();
  if (error === null) return null;
  return (
    <div className="form-error" role="alert" data-testid={testId} data-code={error.code}>
      <Icon name="alert" />
      <div className="form-error__text">
        <p>{error.code === 'local' ? error.text : errorText(t, error)}</p>
        {isHinted(error.code) ? <p className="form-error__hint">{t(`errorHint.${error.code}`)}</p> : null}
        {error.code === 'rate_limited' && secondsLeft > 0 ? (
          <p className="form-error__hint" data-testid="retry-countdown">
            {t('errorHint.retryIn', { count: secondsLeft })}
          </p>
        ) : null}
      </div>
    </div>
  );
}
