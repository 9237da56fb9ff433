/** Test helpers for the service: a small real `docker save` archive. */
import { gunzipSync } from 'node:zlib';
import { buildConfig, buildLayer, buildTar, sha256 } from '../images/image';

/** A legacy `docker save` archive (`<id>/layer.tar`, `manifest.json` last) with one image tagged `demo:1`. */
export async function dockerSaveArchive(seed: string, payloadBytes = 300): Promise<Buffer> {
  const layer = await buildLayer(seed, 0, payloadBytes);
  const config = Buffer.from(JSON.stringify(buildConfig([layer], {})));
  const configName = `${sha256(config).slice(7)}.json`;
  const manifest = [{ Config: configName, RepoTags: ['demo:1'], Layers: ['l0/layer.tar'] }];
  return buildTar([
    { name: 'l0/layer.tar', data: gunzipSync(layer.blob) },
    { name: configName, data: config },
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
  ]);
}
