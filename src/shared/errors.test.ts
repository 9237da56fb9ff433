import { describe, expect, it } from 'vitest';
import { BerthError, toWireError } from './errors';

describe('toWireError', () => {
  it("calls Node's AbortError a cancellation, not an error code of its own", () => {
    const abort = AbortSignal.abort().reason as Error;
    expect(abort.name).toBe('AbortError');
    expect(toWireError(abort)).toEqual({ code: 'CANCELLED', message: 'The operation was cancelled.' });
    const domAbort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
    expect(toWireError(domAbort).code).toBe('CANCELLED');
  });

  it('keeps BerthError codes and marks anything else as internal', () => {
    expect(toWireError(new BerthError('DENIED', 'no')).code).toBe('DENIED');
    expect(toWireError(new Error('boom'))).toMatchObject({ code: 'INTERNAL' });
  });
});
