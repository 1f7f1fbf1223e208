import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientTemplate } from '../../../shared/contract/index.ts';
import { templatesFor } from './usePatients.ts';

/** A select that inserts a template's text (organisation templates first, then the person's own). */
export function TemplatePicker({
  templates,
  language,
  onPick,
}: {
  templates: readonly PatientTemplate[];
  language: 'en' | 'es';
  onPick: (template: PatientTemplate) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const { organisation, personal } = templatesFor(templates, language);
  if (organisation.length + personal.length === 0) return null;
  return (
    <div className="field patients-templates">
      <label htmlFor={id} className="visually-hidden">
        {t('patients.templates.label')}
      </label>
      <select
        id={id}
        value=""
        data-testid="patient-template"
        onChange={(e) => {
          const picked = templates.find((x) => x.id === e.target.value);
          if (picked) onPick(picked);
        }}
      >
        <option value="">{t('patients.templates.choose')}</option>
        {(
          [
            ['patients.templates.organisation', organisation],
            ['patients.templates.personal', personal],
          ] as const
        ).map(([label, group]) =>
          group.length === 0 ? null : (
            <optgroup key={label} label={t(label)}>
              {group.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.title}
                </option>
              ))}
            </optgroup>
          ),
        )}
      </select>
    </div>
  );
}
