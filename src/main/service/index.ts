/** The application service: the contract's one implementation and the dispatcher every shell uses. */
export { BerthService, type BerthServiceOptions } from './service';
export { createService, openEngines, type CreateServiceOptions, type ServiceEngines } from './create-service';
export { dispatch, isApiMethod } from './dispatch';
export { validateArgs, METHOD_ARGS, METHOD_SCHEMAS } from './validate';
export { ServiceEvents } from './events';
export { readSettings, platformCacheDir, platformDataDir, type ServiceSettings } from './settings';
export type { PushManagerLike } from './push-manager-like';
