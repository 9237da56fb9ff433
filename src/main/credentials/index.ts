/** The credentials engine: finds what `docker login` / `podman login` already stored (read-only). */
export { lookupCredentials, type FoundCredentials, type LookupOptions } from './lookup';
export {
  convertToHostname,
  normaliseRegistryKey,
  dockerConfigPath,
  tildePath,
  DOCKER_HUB_SERVER,
} from './docker-config';
export { podmanAuthPaths } from './podman-auth';
export { helperSearchDirs, findHelper, runHelper, HELPER_PREFIX, type HelperAnswer, type HelperRunOptions } from './helper-exec';
