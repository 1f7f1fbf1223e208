import { useTranslation } from 'react-i18next';
import { formatFull, formatWhen, isoOf } from '../messaging/format.ts';

/**
 * A time as a person reads it. A time that cannot be shown (a hostile sender's year 275760, NaN)
 * reads "unknown time" instead of throwing and blanking the screen.
 */
export function When({ time, full = false, className }: { time: number; full?: boolean; className?: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage;
  const text = full ? formatFull(time, language) : formatWhen(time, language);
  const title = full ? undefined : formatFull(time, language) ?? undefined;
  return (
    <time className={className} dateTime={isoOf(time)} title={title} data-testid="when">
      {text ?? t('common.unknownTime')}
    </time>
  );
}
