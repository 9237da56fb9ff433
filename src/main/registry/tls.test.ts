import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCert, opensslFingerprint, type SelfSignedCert } from '../../../test/support/registry/certs';
import { BerthError } from '../../shared/errors';
import { Agent } from './http-agent';
import { mapFailure } from './responses';
import { normalizeFingerprint } from '../../shared/fingerprint';
import { altNamesOf, connectorFor, describeTlsProblem, tlsProblemOf } from './tls';

describe('TLS problems in words', () => {
  it("maps Node's verification codes", () => {
    expect(tlsProblemOf('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('self-signed');
    expect(tlsProblemOf('SELF_SIGNED_CERT_IN_CHAIN')).toBe('self-signed');
    expect(tlsProblemOf('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('unknown-ca');
    expect(tlsProblemOf('UNABLE_TO_GET_ISSUER_CERT')).toBe('unknown-ca');
    expect(tlsProblemOf('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')).toBe('unknown-ca');
    expect(tlsProblemOf('CERT_HAS_EXPIRED')).toBe('expired');
    expect(tlsProblemOf('CERT_NOT_YET_VALID')).toBe('not-yet-valid');
    expect(tlsProblemOf('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('wrong-host');
    expect(tlsProblemOf('CERT_REVOKED')).toBe('other');
  });

  it('says what happened and what to do for each problem', () => {
    const host = 'registry.lan:5000';
    expect(describeTlsProblem('self-signed', { host })).toBe(
      "The TLS certificate of registry.lan:5000 is self-signed, so no known authority vouches for it. If you trust this registry, trust its CA file or its certificate in the registry's settings.",
    );
    expect(describeTlsProblem('unknown-ca', { host })).toMatch(/does not know\. If you trust this registry, trust its CA file or its certificate/);
    expect(describeTlsProblem('expired', { host, validTo: 'Jan  2 00:00:00 2020 GMT' })).toMatch(/^The TLS certificate of registry\.lan:5000 expired on 2020-01-02 00:00 UTC\. Ask/);
    expect(describeTlsProblem('expired', { host })).toMatch(/expired\. Ask the registry's administrator to renew it/);
    expect(describeTlsProblem('not-yet-valid', { host, validFrom: '2030-05-01T10:00:00Z' })).toMatch(/not valid yet \(only from 2030-05-01 10:00 UTC\)\. Check this computer's clock/);
    expect(describeTlsProblem('wrong-host', { host, altNames: ['a.example', '10.0.0.1'] })).toBe(
      "The TLS certificate of registry.lan:5000 was issued for another name than registry.lan; it is valid for a.example, 10.0.0.1. Use a name the certificate covers in the registry's URL, or trust this certificate in the registry's settings.",
    );
    const pin = describeTlsProblem('pin-mismatch', { host, expected: 'AA:BB', presented: 'CC:DD' });
    expect(pin).toContain('fingerprint CC:DD, not the accepted AA:BB');
    expect(pin).toContain("If the registry's certificate was renewed on purpose, trust the new one in the registry's settings");
    expect(describeTlsProblem('other', { host, code: 'CERT_REVOKED' })).toMatch(/is not trusted \(CERT_REVOKED\)\. If you trust/);
  });

  it('reads alt names and normalises fingerprints', () => {
    expect(altNamesOf('DNS:localhost, IP Address:127.0.0.1, DNS:*.example.com')).toEqual(['localhost', '127.0.0.1', '*.example.com']);
    expect(altNamesOf(undefined)).toEqual([]);
    expect(normalizeFingerprint('ab:cd:ef')).toBe('AB:CD:EF');
    expect(normalizeFingerprint('abcdef01')).toBe('AB:CD:EF:01');
  });
});

describe('connectorFor with a pin', () => {
  let dir: string;
  let cert: SelfSignedCert;
  let server: Server;
  let port: number;
  const received: Buffer[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-tls-unit-'));
    cert = await createSelfSignedCert(dir, 'server');
    // A bare TLS server that answers every request with 200, and records what it was sent.
    server = createServer({ cert: cert.certPem, key: cert.keyPem }, (s) => {
      s.on('data', (d: Buffer) => {
        received.push(d);
        s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (pinSha256: string) => {
    const agent = new Agent({ connect: connectorFor({ baseUrl: `https://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, pinSha256 }) });
    try {
      const res = await agent.request({ origin: `https://127.0.0.1:${port}`, path: '/v2/', method: 'GET' });
      return { status: res.statusCode, body: await res.body.text() };
    } finally {
      await agent.close();
    }
  };

  it('accepts exactly the pinned self-signed certificate', async () => {
    expect(await get(await opensslFingerprint(cert.certPath))).toEqual({ status: 200, body: 'ok' });
  });

  it('refuses another before sending a byte, with a BerthError that survives undici and mapFailure', async () => {
    received.length = 0;
    const wrong = '00:'.repeat(31) + '00';
    const err = await get(wrong).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BerthError);
    const mapped = mapFailure(err, new URL(`https://127.0.0.1:${port}/v2/`));
    expect(mapped).toBe(err);
    expect(mapped.code).toBe('TLS_PIN_MISMATCH');
    expect(mapped.detail).toEqual({ expected: wrong, presented: await opensslFingerprint(cert.certPath) });
    expect(received).toEqual([]);
  });
});

describe('tls module', () => {
  it("loads undici's connector without undici's index", () => {
    const file = fileURLToPath(new URL('./tls.ts', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      await import(${JSON.stringify(file)});
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/undici/'));
      console.log(JSON.stringify(loaded));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
    expect(loaded.some((k) => k.endsWith('/lib/core/connect.js'))).toBe(true);
    expect(loaded.filter((k) => /\/undici\/index\.js$|\/lib\/web\//.test(k))).toEqual([]);
  });
});
