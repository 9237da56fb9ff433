/**
 * Renderer entry. In a plain browser (web shell, e2e) no preload ran, so the web bridge defines
 * `window.berth` first; in Electron the preload already exposed it.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/theme.css';

if (!('berth' in window)) {
  (await import('../preload/web')).installWebBridge();
}

const root = document.getElementById('root');
if (!root) throw new Error('Berth: #root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
