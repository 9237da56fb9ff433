/**
 * Passwords in the desktop app are encrypted with Electron's `safeStorage` (macOS Keychain,
 * Windows DPAPI, libsecret/kwallet on Linux) — the design's "secrets stored with safeStorage".
 * Where the OS offers no keychain, safeStorage would only obfuscate: the plain 0600 file is
 * used instead, and the UI says so, rather than pretending the secret is encrypted.
 */
import { safeStorage } from 'electron';
import { PLAIN_CODEC, type SecretCodec } from '../profiles/secret-store';

/** The codec for secrets.json in this session; call after `app.whenReady()` (Linux needs it). */
export function keychainCodec(): SecretCodec {
  if (!safeStorage.isEncryptionAvailable()) return PLAIN_CODEC;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return PLAIN_CODEC;
  return {
    kind: 'safeStorage',
    encode: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decode: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
  };
}
