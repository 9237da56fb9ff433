/** Certificates for tests, made with openssl: self-signed ones, a test CA, and leaves it signs (expired or for another host on demand). */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A self-signed certificate and its key, as files and as text. */
export interface SelfSignedCert {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
  /** Base64 DER of the certificate, as a JWT `x5c` entry wants it. */
  derBase64: string;
}

/** Makes a self-signed RSA certificate valid for 127.0.0.1 and localhost with openssl, in `dir`. */
export async function createSelfSignedCert(dir: string, name = 'cert', cn = '127.0.0.1'): Promise<SelfSignedCert> {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-subj', `/CN=${cn}`,
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', keyPath, '-out', certPath,
    ]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl could not make a self-signed certificate (${stderr.trim() || String(err)}); install Debian's openssl package.`, { cause: err });
  }
  const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  const derBase64 = new X509Certificate(certPem).raw.toString('base64');
  return { certPath, keyPath, certPem, keyPem, derBase64 };
}

/** A certificate authority for tests: its certificate and key as files (and the certificate as text). */
export interface TestCa {
  certPath: string;
  keyPath: string;
  certPem: string;
}

/** Options of createLeafCert; dates as openssl wants them (`YYYYMMDDHHMMSSZ`). */
export interface LeafOptions {
  /** Subject CN (default 127.0.0.1). */
  cn?: string;
  /** subjectAltName entries (default `IP:127.0.0.1`, `DNS:localhost`); `registry.example.invalid` alone makes a wrong-host cert. */
  altNames?: string[];
  /** notBefore; default now. A past startDate with a past endDate makes an expired certificate. */
  startDate?: string;
  /** notAfter; default two days from now. */
  endDate?: string;
}

async function openssl(args: string[], what: string): Promise<void> {
  try {
    await run('openssl', args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl could not make ${what} (${stderr.trim() || String(err)}); install Debian's openssl package.`, { cause: err });
  }
}

async function certFiles(certPath: string, keyPath: string): Promise<SelfSignedCert> {
  const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  return { certPath, keyPath, certPem, keyPem, derBase64: new X509Certificate(certPem).raw.toString('base64') };
}

/** Makes a self-signed CA certificate (CA:TRUE) in `dir`. */
export async function createTestCa(dir: string, name = 'ca', cn = 'Berth Test CA'): Promise<TestCa> {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  await openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}/O=Berth tests`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', keyPath, '-out', certPath,
  ], 'a test CA');
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8') };
}

/**
 * Makes a server certificate signed by `ca` with `openssl ca`, which (unlike `openssl x509 -req`
 * in openssl 3.0) accepts explicit start and end dates — the only way to make an expired one.
 */
export async function createLeafCert(dir: string, ca: TestCa, name: string, opts: LeafOptions = {}): Promise<SelfSignedCert> {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const db = join(dir, `${name}-ca-db`);
  await mkdir(db, { recursive: true });
  await writeFile(join(db, 'index.txt'), '');
  await writeFile(join(db, 'serial'), `${randomBytes(8).toString('hex').toUpperCase()}\n`);
  const cnf = join(db, 'ca.cnf');
  await writeFile(cnf, [
    '[ca]', 'default_ca = test', '[test]', `database = ${join(db, 'index.txt')}`, `new_certs_dir = ${db}`,
    `serial = ${join(db, 'serial')}`, 'default_md = sha256', 'policy = any', 'copy_extensions = copy',
    'unique_subject = no', '[any]', 'commonName = supplied', '',
  ].join('\n'));
  const alt = (opts.altNames ?? ['IP:127.0.0.1', 'DNS:localhost']).join(',');
  await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${opts.cn ?? '127.0.0.1'}`,
    '-addext', `subjectAltName=${alt}`, '-keyout', keyPath, '-out', csrPath], 'a certificate request');
  const end = opts.endDate ?? opensslDate(new Date(Date.now() + 2 * 86_400_000));
  await openssl(['ca', '-batch', '-notext', '-config', cnf, '-cert', ca.certPath, '-keyfile', ca.keyPath, '-in', csrPath,
    '-out', certPath, ...(opts.startDate ? ['-startdate', opts.startDate] : []), '-enddate', end], 'a CA-signed certificate');
  return certFiles(certPath, keyPath);
}

/** `YYYYMMDDHHMMSSZ`, as `openssl ca -startdate/-enddate` wants it. */
export function opensslDate(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

/** SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it (`AA:BB:…`). */
export async function opensslFingerprint(certPath: string): Promise<string> {
  const { stdout } = await run('openssl', ['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256']);
  return stdout.trim().replace(/^.*Fingerprint=/i, '');
}
