import { API_METHODS, type ApiMethod, type BerthApi } from '../../shared/api';
import { BerthError, toWireError, type Result } from '../../shared/errors';
import { METHOD_ARGS, validateArgs } from './validate';

const KNOWN = new Set<string>(API_METHODS);

/** Narrowing guard: is `name` one of the contract's methods (never an inherited or private one)? */
export function isApiMethod(name: string): name is ApiMethod {
  return KNOWN.has(name);
}

/**
 * The one entry every shell calls: checks the method name against the contract, validates the
 * arguments, calls the service (with `signal` appended after the method's own arguments) and
 * turns anything thrown into a WireError (Conventions 2: errors travel as data).
 */
export async function dispatch(
  service: BerthApi,
  method: string,
  args: unknown,
  signal?: AbortSignal,
): Promise<Result<unknown>> {
  try {
    if (!isApiMethod(method)) {
      throw new BerthError('INVALID_ARGUMENT', `Unknown method "${String(method).slice(0, 64)}". This Berth does not offer it; update the app.`);
    }
    const valid = validateArgs(method, args ?? []);
    signal?.throwIfAborted();
    const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
    const padded: unknown[] = [...valid];
    while (padded.length < METHOD_ARGS[method].length) padded.push(undefined);
    const value = await fn.apply(service, signal ? [...padded, signal] : padded);
    return { ok: true, value: value === undefined ? null : value };
  } catch (err) {
    if (signal?.aborted && !(err instanceof BerthError)) {
      return { ok: false, error: { code: 'CANCELLED', message: 'The request was cancelled because its caller went away. Try again.' } };
    }
    return { ok: false, error: toWireError(err) };
  }
}
