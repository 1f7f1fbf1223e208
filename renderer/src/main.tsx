// First: zod must be configured before any contract schema is built.
import './api/zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/client.ts';
import { ClientProvider } from './api/ClientProvider.tsx';
import { detectTransport } from './api/transports.ts';
import { App } from './app/App.tsx';
import { AppBoundary } from './components/AppBoundary.tsx';
import { initI18n } from './i18n/index.ts';
import { applyTheme, readTheme } from './theme/theme.ts';
import './theme/tokens.css';
import './theme/base.css';

applyTheme(window, readTheme(window));
const client = createClient(detectTransport(window));
await initI18n(window);
const root = document.getElementById('root');
if (root)
  createRoot(root, {
    // A caught rendering error is shown by its screen's boundary. Its text may quote what was on
    // screen (PHI), so it is not passed on to the console, where logs and crash reports collect.
    onCaughtError: () => {},
    onUncaughtError: () => {},
  }).render(
    <StrictMode>
      <AppBoundary>
        <ClientProvider client={client}>
          <App />
        </ClientProvider>
      </AppBoundary>
    </StrictMode>,
  );
