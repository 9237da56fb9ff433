/** Issue #9 item 4: a URL typed or met with `user:password@` is never echoed back in an error. */
import { describe, expect, it } from 'vitest';
import { BerthError, toWireError } from '../../shared/errors';
import { parseImageArg, parseRegistryArg } from '../cli/target';
import { profileFromInput } from '../profiles/registry-profile';
import { networkError } from './errors';
import { parseReference, registryConfigFromInput } from './reference';

const SECRET = 's3cr3t-pw';

/** The message of whatever `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('no error message echoes a URL\'s credentials', () => {
  it('registry URLs typed in the form or on the command line', () => {
    const typed = [`https://alice:${SECRET}@registry.example.com/some/path`, `ftp://alice:${SECRET}@registry.example.com`, `https://alice:${SECRET}@`, `https://alice:${SECRET}@bad_host!`];
    for (const url of typed) {
      expect(thrown(() => registryConfigFromInput({ url })), url).not.toContain(SECRET);
      expect(thrown(() => profileFromInput({ url }, 'r1')), url).not.toContain(SECRET);
    }
    expect(thrown(() => parseRegistryArg(`https://alice:${SECRET}@localhost:5000/team`))).not.toContain(SECRET);
    expect(thrown(() => parseRegistryArg(`alice:${SECRET}@localhost:5000/team`))).not.toContain(SECRET);
    expect(thrown(() => parseImageArg(`https://alice:${SECRET}@localhost:5000`))).not.toContain(SECRET);
  });

  it('image references', () => {
    for (const ref of [`alice:${SECRET}@localhost:5000/team/app:1`, `https://alice:${SECRET}@localhost:5000/team/app`]) {
      const message = thrown(() => parseReference(ref));
      expect(message, ref).toContain('is not a valid image reference');
      expect(message, ref).not.toContain(SECRET);
    }
  });

  it('network failures and unexpected errors, including what crosses to the renderer or the browser', () => {
    const failure = Object.assign(new Error(`connect failed for https://alice:${SECRET}@registry.example.com/v2/`), { code: 'EWHATEVER' });
    expect(networkError(failure, new URL('https://registry.example.com')).message).not.toContain(SECRET);
    expect(toWireError(new Error(`fetch https://alice:${SECRET}@h.example failed`)).message).toBe('Unexpected error: fetch https://h.example failed. Please report this as a bug.');
    expect(toWireError({ code: 'NETWORK', message: `at http://a:${SECRET}@h.example` }).message).toBe('at http://h.example');
    expect(new BerthError('NETWORK', `at http://a:${SECRET}@h.example`).toWire().message).toBe('at http://h.example');
  });
});
