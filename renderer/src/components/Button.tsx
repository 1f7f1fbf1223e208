import type { ButtonHTMLAttributes, ReactNode } from 'react';
import './button.css';

type Props = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary'; children: ReactNode };

export function Button({ variant = 'secondary', className, type = 'button', ...rest }: Props) {
  return <button type={type} className={`button button--${variant}${className ? ` ${className}` : ''}`} {...rest} />;
}
