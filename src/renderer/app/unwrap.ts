/** Turns contract `Result`s into thrown BerthErrors, which is what TanStack Query expects. */
import { BerthError, toWireError, type Result } from '../../shared/errors';

/** Value of an ok result; throws the wire error as a BerthError otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new BerthError(result.error.code, result.error.message, result.error.detail);
}

/** Awaits a contract call and unwraps it; a rejected promise (bridge failure) becomes a BerthError too. */
export async function call<T>(promise: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await promise;
  } catch (err) {
    const wire = toWireError(err);
    throw new BerthError(wire.code, wire.message, wire.detail);
  }
  return unwrap(result);
}

/** Any error as a BerthError, for display (code + message). */
export function asBerthError(err: unknown): BerthError {
  if (err instanceof BerthError) return err;
  const wire = toWireError(err);
  return new BerthError(wire.code, wire.message, wire.detail);
}
