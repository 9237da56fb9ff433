import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
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
