/**
 * Optional CPU profiles of the page (BERTH_BENCH_PROFILE=<folder>): a .cpuprofile per phase (open it
 * in Chrome DevTools) and a one-line summary of where the main thread spent its time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CDPSession } from '@playwright/test';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** Starts profiling when BERTH_BENCH_PROFILE is set; the returned function stops and saves it. */
export async function startProfile(cdp: CDPSession, name: string): Promise<() => Promise<string | null>> {
  const dir = process.env.BERTH_BENCH_PROFILE;
  if (!dir) return async () => null;
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    return `${name}: ${summarize(profile)}`;
  };
}

/** The functions with the most self time, as "name (file:line) 123 ms" items. */
export function summarize(profile: Profile, top = 8): string {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const n = byNode.get(samples[i]);
    if (!n) continue;
    const f = n.callFrame;
    const file = f.url.split('/').pop() ?? '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` (${file}:${f.lineNumber + 1}:${f.columnNumber + 1})` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const total = (profile.endTime - profile.startTime) / 1000;
  const items = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return `${total.toFixed(0)} ms profiled; ${items.map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join('; ')}`;
}
