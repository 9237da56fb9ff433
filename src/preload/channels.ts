import { ipcChannel, type EventName } from '../shared/api';

/** IPC channel on which main sends one BerthEvent to the window. */
export const eventChannel = (event: EventName): string => `berth:event:${event}`;
/** IPC channel that turns a dropped file's path into a handle. */
export const REGISTER_PATH_CHANNEL = ipcChannel('registerPath');
