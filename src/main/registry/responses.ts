/** Reading registry answers: bodies with limits, and failures (mid-body too) as BerthErrors. */
import { BerthError } from '../../shared/errors';
import { networkError } from './errors';
import type { RegistryResponse } from './types';

/** Any failure while talking to the registry as a BerthError; an aborted signal always reads as CANCELLED. */
export function mapFailure(err: unknown, url: URL, signal?: AbortSignal): BerthError {
  if (signal?.aborted && !(err instanceof BerthError && err.code === 'CANCELLED')) {
    return new BerthError('CANCELLED', 'The request was cancelled.');
  }
  return networkError(err, url);
}

/** Reads at most `limit` bytes of a body as UTF-8, then discards the rest. */
export async function readText(body: RegistryResponse['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (total < limit) chunks.push(chunk.subarray(0, limit - total));
    total += chunk.length;
    if (total >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a whole (small) body as text; failures mid-body (timeout, abort, reset) become BerthErrors. */
export async function bodyText(res: RegistryResponse, signal?: AbortSignal): Promise<string> {
  try {
    return await res.body.text();
  } catch (err) {
    throw mapFailure(err, res.url, signal);
  }
}
