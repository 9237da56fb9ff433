/** The pre-flight view of an opened archive. */
import type { ArchiveInfo } from '../../shared/types';
import type { OpenedArchive } from './types';

/** The contract's view of an opened archive: its images, their tags, platform and size. */
export function toArchiveInfo(archive: OpenedArchive, handle: string, name: string): ArchiveInfo {
  return {
    handle,
    name,
    format: archive.format,
    compressed: archive.compressed,
    images: archive.images.map((img) => ({
      index: img.index,
      tags: [...img.tags],
      configDigest: img.config.digest,
      platform: img.platform,
      layerCount: img.layers.length,
      // Foreign layers are not stored in the archive, so they do not count.
      size: img.config.bytes.length + img.layers.reduce((sum, l) => sum + (l.source ? l.size : 0), 0),
      created: img.created,
    })),
  };
}
