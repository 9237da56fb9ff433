import { afterAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from './registry';

const started: RunningRegistry[] = [];
afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
});
async function start(...args: Parameters<typeof startRegistry>): Promise<RunningRegistry> {
  const reg = await startRegistry(...args);
  started.push(reg);
  return reg;
}

describe('startRegistry', () => {
  it('open: /v2/ answers 200', async () => {
    const reg = await start();
    const res = await reg.fetch('/v2/');
    expect(res.status).toBe(200);
    expect(reg.url).toBe(`http://127.0.0.1:${reg.port}`);
  });
});
