import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_POLICY } from '../../../shared/contract/index.ts';
import { useContractQuery } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { DisplayPreferences } from './DisplayPreferences.tsx';
import { SHOWN_SETTINGS, isManaged } from './policy-settings.ts';
import './settings.css';

/**
 * Settings, over whatever screen is open (a half-typed sign-in or a thread stays as it was): the
 * display choices of this computer, and the security and privacy settings that policy decides,
 * those fixed by the organisation shown locked. A modal <dialog>: focus stays inside, Escape closes.
 */
export function SettingsDialog({ close }: { close: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const effective = useContractQuery('policy.effective', {});

  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);

  const policy = effective.data?.values ?? DEFAULT_POLICY;
  return (
    <dialog ref={ref} className="settings" aria-labelledby={`${id}-heading`} onClose={close} data-testid="settings">
      <div className="settings__header">
        <h2 id={`${id}-heading`}>{t('settings.heading')}</h2>
        <Button onClick={() => ref.current?.close()} data-testid="settings-close">
          {t('settings.close')}
        </Button>
      </div>
      <DisplayPreferences />
      <section className="settings__section" aria-labelledby={`${id}-policy`}>
        <h3 id={`${id}-policy`}>{t('settings.policyHeading')}</h3>
        <p className="settings__intro">{t('settings.policyIntro')}</p>
        <dl className="settings__list" aria-busy={effective.data === null}>
          {SHOWN_SETTINGS.map((s) => {
            const managed = isManaged(effective.data?.sources[s.key]);
            return (
              <div key={s.key} className="settings__row" data-testid={`setting-${s.key}`} data-managed={managed}>
                <dt>{s.label(t)}</dt>
                <dd>
                  <span>{s.value(t, policy)}</span>
                  {managed ? (
                    <span className="settings__managed" data-testid="setting-managed">
                      <Icon name="lock" />
                      {t('settings.managed')}
                    </span>
                  ) : null}
                </dd>
              </div>
            );
          })}
        </dl>
      </section>
    </dialog>
  );
}
