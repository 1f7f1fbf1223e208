import { Icon, type IconName } from './Icon.tsx';
import './status-pill.css';

export type Tone = 'ok' | 'warn' | 'danger' | 'neutral';

const ICONS: Record<Tone, IconName> = { ok: 'check', warn: 'alert', danger: 'cross', neutral: 'dots' };

/** A state in words plus an icon, so colour is never the only signal. */
export function StatusPill({ tone, label, testId }: { tone: Tone; label: string; testId?: string }) {
  return (
    <span className={`status-pill status-pill--${tone}`} data-testid={testId} data-tone={tone}>
      <Icon name={ICONS[tone]} />
      <span>{label}</span>
    </span>
  );
}
