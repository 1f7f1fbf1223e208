import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { isTrivialPin } from '../../../shared/pin-rules.ts';
import { localError, useRetryCountdown, type UiError } from '../session/errors.ts';
import { PinPad } from './PinPad.tsx';
import './auth.css';

/** Optional quick-unlock PIN right after a full sign-in: refused at once if trivial, then typed twice and stored by main. */
export function PinSetup({ done }: { done: () => void }) {
  const client = useClient();
  const { t } = useTranslation();
  const [first, setFirst] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const wait = useRetryCountdown(error);

  const submit = async () => {
    if (first === null) {
      // Refused at once, not after typing it twice (main applies the same rule when it stores it).
      if (isTrivialPin(pin)) {
        setPin('');
        setError(localError(t('pinSetup.trivial')));
        return;
      }
      setFirst(pin);
      setPin('');
      setError(null);
      return;
    }
    if (pin !== first) {
      setFirst(null);
      setPin('');
      setError(localError(t('pinSetup.mismatch')));
      return;
    }
    setBusy(true);
    const result = await client.call('profiles.setPin', { pin });
    setBusy(false);
    setPin('');
    setFirst(null);
    if (result.ok) done();
    else setError(result.error);
  };

  return (
    <section className="auth-screen auth-screen--narrow" aria-labelledby="pin-setup-heading" data-testid="pin-setup">
      <div className="auth-screen__header">
        <h1 id="pin-setup-heading">{t('pinSetup.heading')}</h1>
        <p className="auth-screen__intro">{t('pinSetup.intro')}</p>
      </div>
      <FormError error={error} secondsLeft={wait} />
      <PinPad
        key={first === null ? 'first' : 'again'}
        id="pin-setup"
        label={first === null ? t('pinSetup.enter') : t('pinSetup.again')}
        value={pin}
        onChange={setPin}
        onSubmit={() => void submit()}
        submitLabel={first === null ? t('pinSetup.next') : t('pinSetup.save')}
        disabled={busy || wait > 0}
      />
      <div className="auth-screen__footer">
        <Button onClick={done} disabled={busy} data-testid="pin-skip">
          {t('pinSetup.skip')}
        </Button>
      </div>
    </section>
  );
}
