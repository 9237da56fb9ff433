import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Agent, agentSource } from './http-agent';

describe('http-agent', () => {
  it("is undici's own Agent class, with the request API", async () => {
    expect(agentSource).toBe('light');
    expect(Agent).toBe((await import('undici')).Agent);
    const a = new Agent();
    expect(typeof a.request).toBe('function');
    await a.close();
  });

  it("loads without undici's index (fetch, WebSocket, caches) in a fresh process", () => {
    const file = fileURLToPath(new URL('./http-agent.ts', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      const m = await import(${JSON.stringify(file)});
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/undici/'));
      console.log(JSON.stringify({ source: m.agentSource, loaded }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as { source: string; loaded: string[] };
    expect(out.source).toBe('light');
    expect(out.loaded.some((k) => k.endsWith('/lib/dispatcher/agent.js'))).toBe(true);
    expect(out.loaded.filter((k) => /\/undici\/index\.js$|\/lib\/web\/|\/lib\/cache\/|\/lib\/mock\//.test(k))).toEqual([]);
  });
});
