/** The engine under test, configured for a test registry: its client (credentials and CA included) and the BerthError a call fails with. */
import type { RunningRegistry } from '../registry/start';
import { RegistryClient, type ClientOptions } from '../../../src/main/registry/client';
import type { RegistryConfig } from '../../../src/main/registry/types';
import { BerthError } from '../../../src/shared/errors';

/** A client configured the way the app would configure it for `reg` (credentials and CA included). */
export function clientFor(reg: RunningRegistry, overrides: Partial<RegistryConfig> = {}, options?: ClientOptions): RegistryClient {
  const config: RegistryConfig = { baseUrl: reg.url, host: reg.host };
  if (reg.username !== undefined) config.username = reg.username;
  if (reg.password !== undefined) config.password = reg.password;
  if (reg.caPem) config.caPem = reg.caPem;
  return new RegistryClient({ ...config, ...overrides }, options);
}

/** The BerthError a call fails with (the test fails when the call succeeds or throws something else). */
export async function failure(p: Promise<unknown>): Promise<BerthError> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof BerthError)) throw err;
    return err;
  }
  throw new Error('expected the call to fail');
}
