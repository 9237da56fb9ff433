import { describe, expect, it } from 'vitest';
import { BerthError } from '../../shared/errors';
import { httpError, networkError, parseErrorBody } from './errors';

const url = (p: string): URL => new URL(`http://127.0.0.1:5000${p}`);
const ctx = (p: string, method = 'GET') => ({ method, url: url(p) });

describe('parseErrorBody', () => {
  it('reads the spec body and ignores anything else', () => {
    expect(parseErrorBody('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"x"}}]}')).toEqual([
      { code: 'NAME_UNKNOWN', message: 'repository name not known to registry', detail: { name: 'x' } },
    ]);
    expect(parseErrorBody('404 page not found')).toEqual([]);
    expect(parseErrorBody('{"errors":"nope"}')).toEqual([]);
    expect(parseErrorBody('{broken')).toEqual([]);
  });
});

describe('httpError', () => {
  it('uses the spec code and keeps the registry message', () => {
    const e = httpError(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}', ctx('/v2/app/manifests/v1'));
    expect(e.code).toBe('MANIFEST_UNKNOWN');
    expect(e.message).toContain('app:v1');
    expect(e.message).toContain('manifest unknown');
    expect(e.message).toMatch(/Refresh/);
  });
  it('maps statuses when there is no body', () => {
    expect(httpError(401, '', ctx('/v2/')).code).toBe('UNAUTHORIZED');
    expect(httpError(401, '', { ...ctx('/v2/'), hasCredentials: true }).message).toMatch(/Check the username and password/);
    expect(httpError(401, '', ctx('/v2/')).message).toMatch(/requires you to log in/);
    expect(httpError(403, '', ctx('/v2/a/tags/list')).code).toBe('DENIED');
    expect(httpError(429, '', ctx('/v2/')).code).toBe('TOOMANYREQUESTS');
    expect(httpError(502, '<html>', ctx('/v2/')).code).toBe('SERVER_ERROR');
    expect(httpError(404, '', ctx('/v2/a/manifests/latest')).code).toBe('MANIFEST_UNKNOWN');
    expect(httpError(404, '', ctx(`/v2/a/blobs/sha256:${'0'.repeat(64)}`)).code).toBe('BLOB_UNKNOWN');
    expect(httpError(404, '', ctx('/v2/a/tags/list')).code).toBe('NAME_UNKNOWN');
    expect(httpError(404, '404 page not found', ctx('/v2/_catalog')).code).toBe('CATALOG_UNAVAILABLE');
    expect(httpError(418, '', ctx('/v2/')).code).toBe('UNEXPECTED_RESPONSE');
  });
  it('explains http sent to an https port', () => {
    const e = httpError(400, 'Client sent an HTTP request to an HTTPS server.\n', ctx('/v2/'));
    expect(e.code).toBe('TLS_FAILURE');
    expect(e.message).toMatch(/https:\/\/127\.0\.0\.1:5000/);
  });
});

function sysErr(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('networkError', () => {
  const u = url('/v2/');
  it('names the failure and says what to do', () => {
    const refused = networkError(sysErr('ECONNREFUSED'), u);
    expect(refused.code).toBe('CONNECTION_REFUSED');
    expect(refused.message).toMatch(/Nothing is listening at 127\.0\.0\.1:5000; is the registry running\?/);
    expect(networkError(sysErr('ENOTFOUND'), u).code).toBe('DNS_FAILURE');
    expect(networkError(sysErr('EAI_AGAIN'), u).code).toBe('DNS_FAILURE');
    const untrusted = networkError(sysErr('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), u);
    expect(untrusted.code).toBe('TLS_UNTRUSTED');
    expect(untrusted.message).toBe(
      "The TLS certificate of 127.0.0.1:5000 is self-signed, so no known authority vouches for it. If you trust this registry, trust its CA file or its certificate in the registry's settings.",
    );
    expect(untrusted.detail).toEqual({ problem: 'self-signed', nodeCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const unknownCa = networkError(sysErr('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), u);
    expect(unknownCa.code).toBe('TLS_UNTRUSTED');
    expect(unknownCa.message).toMatch(/signed by a certificate authority this computer does not know\. If you trust this registry, trust its CA file/);
    expect(networkError(sysErr('CERT_HAS_EXPIRED'), u).code).toBe('TLS_UNTRUSTED');
    expect(networkError(sysErr('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), u).code).toBe('TLS_FAILURE');
    expect(networkError(sysErr('UND_ERR_CONNECT_TIMEOUT'), u).code).toBe('TIMEOUT');
    expect(networkError(sysErr('UND_ERR_HEADERS_TIMEOUT'), u).code).toBe('TIMEOUT');
    expect(networkError(sysErr('UND_ERR_BODY_TIMEOUT'), u).code).toBe('TIMEOUT');
    expect(networkError(sysErr('ECONNRESET'), u).code).toBe('NETWORK');
  });
  it('names certificate problems with what the refused certificate says', () => {
    const cert = { valid_from: 'Jan  1 00:00:00 2020 GMT', valid_to: 'Jan  2 00:00:00 2020 GMT', subjectaltname: 'DNS:registry.example.invalid, IP Address:10.0.0.9', fingerprint256: 'AB:CD' };
    const expired = networkError(Object.assign(sysErr('CERT_HAS_EXPIRED'), { cert }), u);
    expect(expired.code).toBe('TLS_UNTRUSTED');
    expect(expired.message).toMatch(/^The TLS certificate of 127\.0\.0\.1:5000 expired on 2020-01-02 00:00 UTC\./);
    expect(expired.detail).toEqual({ problem: 'expired', nodeCode: 'CERT_HAS_EXPIRED', sha256: 'AB:CD' });
    expect(networkError(sysErr('CERT_HAS_EXPIRED'), u).message).toMatch(/expired\. Ask the registry's administrator to renew it/);
    // Node's own host-name error carries the certificate; undici may wrap it in a cause.
    const wrongHost = networkError(new Error('fetch failed', { cause: Object.assign(sysErr('ERR_TLS_CERT_ALTNAME_INVALID'), { cert }) }), u);
    expect(wrongHost.code).toBe('TLS_UNTRUSTED');
    expect(wrongHost.message).toContain('issued for another name than 127.0.0.1; it is valid for registry.example.invalid, 10.0.0.9');
    expect(networkError(sysErr('CERT_NOT_YET_VALID'), u).message).toMatch(/is not valid yet\. Check this computer's clock/);
    expect(networkError(sysErr('SELF_SIGNED_CERT_IN_CHAIN'), u).message).toContain('is self-signed');
    const pin = new BerthError('TLS_PIN_MISMATCH', 'fingerprints differ', { expected: 'AA', presented: 'BB' });
    expect(networkError(pin, u)).toBe(pin);
  });
  it('recognises aborts, causes and aggregate errors', () => {
    expect(networkError(new DOMException('aborted', 'AbortError'), u).code).toBe('CANCELLED');
    expect(networkError(sysErr('UND_ERR_ABORTED'), u).code).toBe('CANCELLED');
    expect(networkError(new Error('fetch failed', { cause: sysErr('ECONNREFUSED') }), u).code).toBe('CONNECTION_REFUSED');
    expect(networkError(new AggregateError([sysErr('ECONNREFUSED'), sysErr('ECONNREFUSED')]), u).code).toBe('CONNECTION_REFUSED');
  });
});
