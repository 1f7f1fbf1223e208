import { useEffect, useRef, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../components/Icon.tsx';
import './pin-pad.css';

export const PIN_MIN = 6;
export const PIN_MAX = 12;
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  submitLabel: string;
  disabled?: boolean;
}

/**
 * A PIN entry that works by touch (big keys), mouse and keyboard. The keys do not take focus
 * (pointerdown is cancelled), so the field keeps it and typed digits keep working; on a touch
 * kiosk no on-screen keyboard is needed.
 */
export function PinPad({ id, label, value, onChange, onSubmit, submitLabel, disabled = false }: Props) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  // Focus on opening, and back again whenever the pad is enabled after a try: a disabled field
  // drops focus, and after a wrong PIN the next digits typed must land here without a click.
  useEffect(() => {
    if (!disabled) input.current?.focus();
  }, [disabled]);
  const press = (digit: string) => {
    if (!disabled && value.length < PIN_MAX) onChange(value + digit);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!disabled && value.length >= PIN_MIN) onSubmit();
  };
  const key = (digit: string) => (
    <button
      key={digit}
      type="button"
      className="pin-pad__key"
      aria-label={digit}
      data-testid={`pin-key-${digit}`}
      disabled={disabled}
      onPointerDown={(e) => e.preventDefault()}
      onClick={() => press(digit)}
    >
      {digit}
    </button>
  );
  return (
    <form className="pin-pad" onSubmit={submit} data-testid="pin-pad">
      <label htmlFor={id} className="pin-pad__label">
        {label}
      </label>
      <input
        ref={input}
        id={id}
        className="pin-pad__field"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={PIN_MAX}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, PIN_MAX))}
        aria-describedby={`${id}-count`}
        data-testid="pin-field"
      />
      <p id={`${id}-count`} className="pin-pad__count" aria-live="polite">
        {t('pin.digitsEntered', { count: value.length })}
      </p>
      <div className="pin-pad__keys">
        {DIGITS.map(key)}
        <button
          type="button"
          className="pin-pad__key pin-pad__key--action"
          aria-label={t('pin.backspace')}
          data-testid="pin-backspace"
          disabled={disabled || value.length === 0}
          onPointerDown={(e) => e.preventDefault()}
          onClick={() => onChange(value.slice(0, -1))}
        >
          <Icon name="backspace" />
        </button>
        {key('0')}
        <button
          type="submit"
          className="pin-pad__key pin-pad__key--submit"
          aria-label={submitLabel}
          data-testid="pin-submit"
          disabled={disabled || value.length < PIN_MIN}
          onPointerDown={(e) => e.preventDefault()}
        >
          <Icon name="check" />
        </button>
      </div>
    </form>
  );
}
