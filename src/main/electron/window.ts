import { BrowserWindow } from 'electron';
import { hardenContents, secureWebPreferences } from './security';

/** Opens the Berth window on `url`, shown only once painted (no white flash). */
export function createMainWindow(preloadPath: string, url: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 520,
    show: false,
    title: 'Berth',
    backgroundColor: '#1b1d22',
    webPreferences: secureWebPreferences(preloadPath),
  });
  hardenContents(win.webContents);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(url);
  return win;
}
