/**
 * Checking registry settings before they are saved (issue 12 item 6), against a real htpasswd
 * registry: a wrong password is reported as refused and nothing is stored; an edit without a
 * password uses the saved one, but never for another origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { BerthService } from '../service/service';

let basic: RunningRegistry;
let other: RunningRegistry;
const service = new BerthService();

beforeAll(async () => {
  [basic, other] = await Promise.all([startRegistry({ auth: 'htpasswd' }), startRegistry({ auth: 'htpasswd' })]);
}, 60_000);
afterAll(async () => {
  await service.close();
  await Promise.allSettled([basic?.stop(), other?.stop()]);
});

describe('checkRegistryDraft', () => {
  it('says a wrong password is refused and a right one signs in, saving nothing', async () => {
    const typed = { url: basic.host, auth: 'password' as const, username: basic.username! };
    const wrong = await service.checkRegistryDraft({ ...typed, password: 'nope' });
    expect(wrong).toMatchObject({ reachable: true, authScheme: 'basic', authenticated: false, credentials: { kind: 'saved', username: basic.username } });
    const right = await service.checkRegistryDraft({ ...typed, password: basic.password! });
    expect(right).toMatchObject({ reachable: true, authenticated: true });
    expect(await service.listRegistries()).toHaveLength(0);
  });

  it('an edit without a password uses the saved one, only at its own origin', async () => {
    const info = await service.addRegistry({ url: basic.host, auth: 'password', username: basic.username!, password: basic.password! });
    expect(await service.checkRegistryDraft({ name: 'renamed' }, info.id)).toMatchObject({ authenticated: true });
    // Moved to another origin without a new password: the saved one is not sent there.
    const moved = await service.checkRegistryDraft({ url: other.host }, info.id);
    expect(moved).toMatchObject({ reachable: true, authenticated: false, credentials: { kind: 'none' } });
    expect((await service.listRegistries())[0]).toMatchObject({ name: basic.host, host: basic.host });
  });
});
