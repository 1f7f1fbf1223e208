import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/ClientProvider.tsx';
import { useInvalidate } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';
import { usePatientTemplates } from './usePatients.ts';

/** The staff member's own templates: add and delete (organisation templates are managed centrally). */
export function TemplatesManager({ done }: { done: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const invalidate = useInvalidate();
  const id = useId();
  const mine = usePatientTemplates().filter((x) => x.source === 'personal');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [language, setLanguage] = useState<'en' | 'es'>(i18n.language.startsWith('es') ? 'es' : 'en');
  const [failure, setFailure] = useState<UiError>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() === '' || text.trim() === '') return;
    const result = await client.call('patients.saveTemplate', { title: title.trim(), text: text.trim(), language });
    if (!result.ok) return setFailure(result.error);
    setFailure(null);
    setTitle('');
    setText('');
    invalidate(['patients.templates']);
  };
  const remove = async (templateId: string) => {
    const result = await client.call('patients.deleteTemplate', { id: templateId });
    setFailure(result.ok ? null : result.error);
    invalidate(['patients.templates']);
  };

  return (
    <section className="patients-form" aria-labelledby={`${id}-heading`} data-testid="patient-templates">
      <h2 id={`${id}-heading`}>{t('patients.templates.manage')}</h2>
      {mine.length === 0 ? (
        <p className="patients__empty">{t('patients.templates.none')}</p>
      ) : (
        <ul className="patients-templates__list">
          {mine.map((x) => (
            <li key={x.id}>
              <span>
                <strong>{x.title}</strong> ({x.language === 'es' ? 'Español' : 'English'}): {x.text}
              </span>
              <Button onClick={() => void remove(x.id)}>{t('patients.templates.delete')}</Button>
            </li>
          ))}
        </ul>
      )}
      <form className="patients-form" onSubmit={(e) => void save(e)}>
        <div className="patients-form__grid">
          <div className="field">
            <label htmlFor={`${id}-title`}>{t('patients.templates.title')}</label>
            <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={80} data-testid="template-title" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-language`}>{t('patients.form.language')}</label>
            <select id={`${id}-language`} value={language} onChange={(e) => setLanguage(e.target.value === 'es' ? 'es' : 'en')}>
              <option value="en">English</option>
              <option value="es">Español</option>
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-text`}>{t('patients.templates.text')}</label>
          <textarea id={`${id}-text`} rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={1000} aria-describedby={`${id}-hint`} data-testid="template-text" />
          <p id={`${id}-hint`} className="field__note">
            {t('patients.templates.placeholdersHint')}
          </p>
        </div>
        <FormError error={failure} secondsLeft={0} testId="template-error" />
        <div className="patients-form__actions">
          <Button type="submit" variant="primary" disabled={title.trim() === '' || text.trim() === ''} data-testid="template-save">
            {t('patients.templates.save')}
          </Button>
          <Button onClick={done}>{t('patients.templates.close')}</Button>
        </div>
      </form>
    </section>
  );
}
