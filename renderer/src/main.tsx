// First: zod must be configured before any contract schema is built.
import './api/zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/client.ts';
import { detectTransport } from './api/transports.ts';
import { App } from './app/App.tsx';
import { initI18n } from './i18n/index.ts';
import { applyTheme, readTheme } from './theme/theme.ts';
import './theme/tokens.css';
import './theme/base.css';

applyTheme(window, readTheme(window));
const client = createClient(detectTransport(window));
await initI18n(window);
const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App client={client} />
    </StrictMode>,
  );
