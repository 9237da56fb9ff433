import { describe, expect, it } from 'vitest';
import { platformChoice, platformKey } from './platforms';

const amd = { os: 'linux', architecture: 'amd64' };
const arm = { os: 'linux', architecture: 'arm64', variant: 'v8', osVersion: 'x' };
const ppc = { os: 'linux', architecture: 'ppc64le' };
const all = [amd, arm, ppc];

describe('platformChoice', () => {
  it('is "all" when every platform is ticked or there is nothing to choose', () => {
    expect(platformChoice(all, new Set(all.map(platformKey)))).toEqual({ kind: 'all' });
    expect(platformChoice([], new Set())).toEqual({ kind: 'all' });
  });
  it('names one or some platforms, without fields the contract refuses', () => {
    expect(platformChoice(all, new Set(['linux/arm64/v8']))).toEqual({ kind: 'one', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    expect(platformChoice(all, new Set(['linux/amd64', 'linux/ppc64le']))).toEqual({ kind: 'some', platforms: [amd, ppc] });
  });
  it('is null when nothing is ticked', () => {
    expect(platformChoice(all, new Set())).toBeNull();
  });
});
