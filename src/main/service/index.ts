/** The application service: the contract's one implementation and the dispatcher every shell uses. */
export { BerthService, type BerthServiceOptions } from './service';
export { dispatch, isApiMethod } from './dispatch';
export { validateArgs, METHOD_ARGS, METHOD_SCHEMAS } from './validate';
export { ServiceEvents } from './events';
export { defaultCacheDir } from './paths';
export type { PushManagerLike } from './push-manager-like';
