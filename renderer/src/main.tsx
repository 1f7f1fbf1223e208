import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createClient } from './api/client.ts';
import { detectTransport } from './api/transports.ts';

const client = createClient(detectTransport(window));
const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><App client={client} /></StrictMode>);
