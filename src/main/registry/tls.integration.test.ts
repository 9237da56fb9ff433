import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeafCert, createSelfSignedCert, createTestCa, opensslDate, opensslFingerprint, type SelfSignedCert, type TestCa } from '../../../test/support/registry/certs';
import { freePort } from '../../../test/support/registry/ports';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { configFor } from '../cli/target';
import { RegistryClient } from './client';
import { failure } from '../../../test/support/engine/client';
import { inspectCertificate } from './tls';
import type { RegistryConfig } from './types';

/** GET /v2/ with a client for `config`; returns the status (the registries here need no auth). */
async function v2(reg: RunningRegistry, config: Partial<RegistryConfig> = {}): Promise<number> {
  const c = new RegistryClient({ baseUrl: reg.url, host: reg.host, ...config });
  try {
    return (await c.probe('GET', '/v2/')).status;
  } finally {
    await c.close();
  }
}

async function refusal(reg: RunningRegistry, config: Partial<RegistryConfig> = {}) {
  const c = new RegistryClient({ baseUrl: reg.url, host: reg.host, ...config });
  try {
    return await failure(c.probe('GET', '/v2/'));
  } finally {
    await c.close();
  }
}

let dir: string;
let ca: TestCa;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-tls-'));
  ca = await createTestCa(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a self-signed registry', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ tls: true });
  });
  afterAll(() => reg.stop());

  it('is refused by default with TLS_UNTRUSTED naming self-signed, and insecure alone does not change that', async () => {
    for (const config of [{}, { insecure: true }]) {
      const e = await refusal(reg, config);
      expect(e.code).toBe('TLS_UNTRUSTED');
      expect(e.message).toContain(`The TLS certificate of ${reg.host} is self-signed`);
      expect(e.message).toContain("trust its CA file or its certificate in the registry's settings");
      expect(e.message).not.toMatch(/insecure/);
      expect(e.detail).toMatchObject({ problem: 'self-signed', nodeCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    }
  });

  it('is accepted once its certificate is trusted as a CA file, pinned, or verification is skipped', async () => {
    const cert = await inspectCertificate(reg.url, { baseUrl: reg.url, host: reg.host });
    expect(cert.selfSigned).toBe(true);
    expect(cert.problem).toBe('self-signed');
    expect(cert.problemCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await v2(reg, { caPem: reg.caPem })).toBe(200);
    expect(await v2(reg, { pinSha256: cert.sha256 })).toBe(200);
    expect(await v2(reg, { pinSha256: cert.sha256.replace(/:/g, '').toLowerCase() })).toBe(200);
    expect(await v2(reg, { tlsSkipVerify: true })).toBe(200);
  });

  it('keeps a pin and a CA across many connections (a resumed TLS session shows no certificate)', async () => {
    const { sha256 } = await inspectCertificate(reg.url, { baseUrl: reg.url, host: reg.host });
    for (const config of [{ pinSha256: sha256 }, { caPem: reg.caPem }]) {
      const c = new RegistryClient({ baseUrl: reg.url, host: reg.host, ...config });
      try {
        // Sequential closes force new connections; undici would resume the session from the third on.
        for (let i = 0; i < 5; i++) {
          const statuses = await Promise.all(Array.from({ length: 6 }, () => c.probe('GET', '/v2/', { headers: { connection: 'close' } }).then((r) => r.status)));
          expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
        }
      } finally {
        await c.close();
      }
    }
  });

  it("keeps the CLI's --insecure meaning unverified TLS too", async () => {
    const loose = await configFor(reg.url, { insecure: true });
    expect(loose).toMatchObject({ insecure: true, tlsSkipVerify: true });
    expect(await v2(reg, loose)).toBe(200);
    const strict = await configFor(reg.url, {});
    expect(strict.tlsSkipVerify).toBeUndefined();
    expect((await refusal(reg, strict)).code).toBe('TLS_UNTRUSTED');
  });

  it('inspectCertificate reads the certificate as openssl does, and judges it against the config', async () => {
    const base = { baseUrl: reg.url, host: reg.host };
    const cert = await inspectCertificate(reg.url, base);
    expect(cert.sha256).toBe(await opensslFingerprint(join(reg.dataDir, 'tls.pem')));
    expect(cert.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.subject).toBe('CN=127.0.0.1');
    expect(cert.issuer).toBe('CN=127.0.0.1');
    expect(cert.altNames).toEqual(['127.0.0.1', 'localhost']);
    expect(new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()).toBe(2 * 86_400_000);
    expect((await inspectCertificate(reg.url, { ...base, caPem: reg.caPem })).problem).toBeNull();
    expect((await inspectCertificate(reg.url, { ...base, pinSha256: cert.sha256 })).problem).toBeNull();
    expect((await inspectCertificate(reg.url, { ...base, tlsSkipVerify: true })).problem).toBeNull();
    const other = await inspectCertificate(reg.url, { ...base, pinSha256: 'AB:'.repeat(31) + 'AB' });
    expect(other).toMatchObject({ problem: 'pin-mismatch', problemCode: 'TLS_PIN_MISMATCH', sha256: cert.sha256 });
  });
});

describe('certificates signed by a CA', () => {
  it('are refused as unknown CA by default and accepted with the CA file; a pin ignores the issuer', async () => {
    const leaf = await createLeafCert(dir, ca, 'good');
    const reg = await startRegistry({ tlsCert: leaf });
    try {
      const e = await refusal(reg);
      expect(e.code).toBe('TLS_UNTRUSTED');
      expect(e.message).toContain('signed by a certificate authority this computer does not know');
      const seen = await inspectCertificate(reg.url, { baseUrl: reg.url, host: reg.host });
      expect(seen).toMatchObject({ problem: 'unknown-ca', selfSigned: false, issuer: 'CN=Berth Test CA, O=Berth tests' });
      expect(await v2(reg, { caPem: ca.certPem })).toBe(200);
      expect((await inspectCertificate(reg.url, { baseUrl: reg.url, host: reg.host, caPem: ca.certPem })).problem).toBeNull();
      expect(await v2(reg, { pinSha256: seen.sha256 })).toBe(200);
    } finally {
      await reg.stop();
    }
  });

  it('names the wrong host and the names the certificate is valid for', async () => {
    const leaf = await createLeafCert(dir, ca, 'wrong-host', { cn: 'registry.example.invalid', altNames: ['DNS:registry.example.invalid'] });
    const reg = await startRegistry({ tlsCert: leaf });
    try {
      const e = await refusal(reg, { caPem: ca.certPem });
      expect(e.code).toBe('TLS_UNTRUSTED');
      expect(e.message).toContain('was issued for another name than 127.0.0.1; it is valid for registry.example.invalid');
      expect(e.detail).toMatchObject({ problem: 'wrong-host', nodeCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      const seen = await inspectCertificate(reg.url, { baseUrl: reg.url, host: reg.host, caPem: ca.certPem });
      expect(seen).toMatchObject({ problem: 'wrong-host', problemCode: 'ERR_TLS_CERT_ALTNAME_INVALID', altNames: ['registry.example.invalid'] });
      expect(await v2(reg, { pinSha256: seen.sha256 })).toBe(200);
    } finally {
      await reg.stop();
    }
  });

  it('names an expired certificate with its date, and one not valid yet', async () => {
    const expired = await createLeafCert(dir, ca, 'expired', { startDate: '20200101000000Z', endDate: '20200102000000Z' });
    const future = new Date(Date.now() + 5 * 86_400_000);
    const early = await createLeafCert(dir, ca, 'early', { startDate: opensslDate(future), endDate: opensslDate(new Date(future.getTime() + 86_400_000)) });
    const [old, young] = await Promise.all([startRegistry({ tlsCert: expired }), startRegistry({ tlsCert: early })]);
    try {
      const e = await refusal(old, { caPem: ca.certPem });
      expect(e.code).toBe('TLS_UNTRUSTED');
      expect(e.message).toContain(`The TLS certificate of ${old.host} expired on 2020-01-02 00:00 UTC.`);
      expect((await inspectCertificate(old.url, { baseUrl: old.url, host: old.host, caPem: ca.certPem })).problem).toBe('expired');
      const n = await refusal(young, { caPem: ca.certPem });
      expect(n.code).toBe('TLS_UNTRUSTED');
      expect(n.message).toContain('is not valid yet (only from');
      expect((await inspectCertificate(young.url, { baseUrl: young.url, host: young.host, caPem: ca.certPem })).problem).toBe('not-yet-valid');
    } finally {
      await Promise.all([old.stop(), young.stop()]);
    }
  });
});

describe('a pinned certificate', () => {
  let first: SelfSignedCert;
  let second: SelfSignedCert;
  beforeAll(async () => {
    [first, second] = await Promise.all([createSelfSignedCert(dir, 'first'), createSelfSignedCert(dir, 'second')]);
  });

  it('is refused with TLS_PIN_MISMATCH naming both fingerprints once the registry swaps its certificate', async () => {
    const port = await freePort();
    let reg = await startRegistry({ tlsCert: first, port });
    const pin = (await inspectCertificate(reg.url, { baseUrl: reg.url, host: reg.host })).sha256;
    expect(pin).toBe(await opensslFingerprint(first.certPath));
    const client = new RegistryClient({ baseUrl: reg.url, host: reg.host, pinSha256: pin });
    try {
      expect((await client.probe('GET', '/v2/')).status).toBe(200);
      await reg.stop();
      reg = await startRegistry({ tlsCert: second, port });
      expect(reg.port).toBe(port);
      const presented = await opensslFingerprint(second.certPath);
      const e = await failure(client.probe('GET', '/v2/'));
      expect(e.code).toBe('TLS_PIN_MISMATCH');
      expect(e.message).toContain(`presented a certificate with SHA-256 fingerprint ${presented}, not the accepted ${pin}`);
      expect(e.message).toContain("If the registry's certificate was renewed on purpose, trust the new one in the registry's settings");
      expect(e.detail).toEqual({ expected: pin, presented });
      // Plain verification was never what accepted it: the old pin still refuses on a fresh client.
      expect((await refusal(reg, { pinSha256: pin })).code).toBe('TLS_PIN_MISMATCH');
      expect(await v2(reg, { pinSha256: presented })).toBe(200);
    } finally {
      await client.close();
      await reg.stop();
    }
  });
});

describe('inspectCertificate failures', () => {
  it('gives the same errors as requests before any certificate is seen', async () => {
    const port = await freePort();
    const refused = await failure(inspectCertificate(`https://127.0.0.1:${port}`, { baseUrl: `https://127.0.0.1:${port}`, host: `127.0.0.1:${port}` }));
    expect(refused.code).toBe('CONNECTION_REFUSED');
    const plain = await startRegistry();
    try {
      const https = plain.url.replace('http:', 'https:');
      expect((await failure(inspectCertificate(https, { baseUrl: https, host: plain.host }))).code).toBe('TLS_FAILURE');
      expect((await failure(inspectCertificate(plain.url, { baseUrl: plain.url, host: plain.host }))).code).toBe('INVALID_ARGUMENT');
      const ac = new AbortController();
      ac.abort();
      expect((await failure(inspectCertificate(https, { baseUrl: https, host: plain.host }, { signal: ac.signal }))).code).toBe('CANCELLED');
    } finally {
      await plain.stop();
    }
  });
});
