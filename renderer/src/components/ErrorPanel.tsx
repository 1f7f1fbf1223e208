import type { ReactNode } from 'react';
import { Icon } from './Icon.tsx';
import './error-panel.css';

/** A whole-screen problem in plain words, with one way forward. Announced at once (role="alert"). */
export function ErrorPanel({ title, children, action, testId }: { title: string; children: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div className="error-panel" role="alert" data-testid={testId}>
      <div className="error-panel__icon">
        <Icon name="alert" />
      </div>
      <h1 className="error-panel__title">{title}</h1>
      <div className="error-panel__body">{children}</div>
      {action ? <div className="error-panel__action">{action}</div> : null}
    </div>
  );
}
