import type { InputHTMLAttributes, ReactNode } from 'react';
import './field.css';

type Props = InputHTMLAttributes<HTMLInputElement> & { id: string; label: string; note?: ReactNode };

/** A labelled text input; the note (if any) is tied to it with aria-describedby. */
export function Field({ id, label, note, className, ...rest }: Props) {
  const noteId = note ? `${id}-note` : undefined;
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={noteId} {...rest} />
      {note ? (
        <p id={noteId} className="field__note">
          {note}
        </p>
      ) : null}
    </div>
  );
}
