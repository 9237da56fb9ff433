import { describe, expect, it } from 'vitest';
import type { RegistryInfo } from '../../shared/types';
import { proposeRegistry } from './default-registry';

const reg = (id: string) => ({ id }) as RegistryInfo;
const registries = [reg('down'), reg('a'), reg('b')];
const reachable = (map: Record<string, boolean>) => (id: string) => map[id];

describe('proposeRegistry', () => {
  it('takes the registry in view', () => {
    expect(proposeRegistry(registries, { inView: 'b', recent: ['a'], reachable: reachable({}) })).toBe('b');
  });

  it('else the most recently used reachable one, not the first saved one that is down', () => {
    expect(proposeRegistry(registries, { recent: ['b', 'a'], reachable: reachable({ down: false, a: true, b: true }) })).toBe('b');
    expect(proposeRegistry(registries, { recent: ['down', 'a'], reachable: reachable({ down: false, a: true }) })).toBe('a');
  });

  it('else any reachable one, else one not known to be down, else the first', () => {
    expect(proposeRegistry(registries, { recent: [], reachable: reachable({ down: false, b: true }) })).toBe('b');
    expect(proposeRegistry(registries, { recent: ['gone'], reachable: reachable({ down: false }) })).toBe('a');
    expect(proposeRegistry(registries, { recent: [], reachable: reachable({ down: false, a: false, b: false }) })).toBe('down');
    expect(proposeRegistry([], { recent: [], reachable: reachable({}) })).toBe('');
  });
});
