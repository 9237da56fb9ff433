import type { BerthClient } from '../shared/api';

declare global {
  interface Window {
    /** The contract, installed by the Electron preload or by `installWebBridge()` in a browser. */
    berth: BerthClient;
  }
}

export {};
