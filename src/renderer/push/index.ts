/**
 * The push feature's public face. Mount once in the app layout:
 * `<Layout … overlay={<PushRoot registryId={…} repository={…} />}>`.
 */
export { PushRoot } from './PushRoot';
export { pushKeys, pushesQuery } from './queries';
