/** What goes into a docker-registry 2.8 configuration file (written as JSON, which YAML accepts). */
export interface RegistryConfigInput {
  port: number;
  rootDir: string;
  deleteEnabled: boolean;
  tls?: { certificate: string; key: string };
  htpasswd?: { path: string; realm: string };
  token?: { realm: string; service: string; issuer: string; rootcertbundle: string };
}

/** Builds the registry configuration object (distribution 2.8.2 field names). */
export function buildRegistryConfig(input: RegistryConfigInput): Record<string, unknown> {
  const http: Record<string, unknown> = {
    addr: `127.0.0.1:${input.port}`,
    // A fixed secret per run keeps upload state valid across the single instance; no debug server (no http.debug).
    secret: `berth-test-${input.port}-${Date.now()}`,
    headers: { 'X-Content-Type-Options': ['nosniff'] },
  };
  if (input.tls) http.tls = { certificate: input.tls.certificate, key: input.tls.key };
  const config: Record<string, unknown> = {
    version: '0.1',
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: input.rootDir },
      delete: { enabled: input.deleteEnabled },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http,
  };
  if (input.htpasswd) config.auth = { htpasswd: { realm: input.htpasswd.realm, path: input.htpasswd.path } };
  if (input.token) config.auth = { token: { ...input.token } };
  return config;
}
