/** The images inside an archive, with a radio per image when there is a choice to make. */
import type { ArchiveImage } from '../../shared/types';
import { formatBytes, formatPlatform, plural, shortDigest } from '../app/format';
import { When } from '../app/When';
import type { ImageChoice } from './preflight';

/** Table of the archive's images; `onChoose` is given only when the archive holds several. */
export function ArchiveImages(props: { images: ArchiveImage[]; choice: ImageChoice; onChoose?: (c: ImageChoice) => void; name: string }) {
  const { images, choice, onChoose } = props;
  const allTagged = images.every((i) => i.tags.length > 0);
  return (
    <div className="archive-images">
      <table className="preflight-table" aria-label="Images in the archive">
        <thead>
          <tr>
            {onChoose && <th aria-label="Choose" />}
            <th>Original tags</th>
            <th>Platform</th>
            <th className="num">Layers</th>
            <th className="num">Size</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {images.map((img) => {
            const label = img.tags.length ? img.tags.join(', ') : `untagged image ${shortDigest(img.configDigest)}`;
            return (
              <tr key={img.index} className={choice === img.index ? 'chosen' : undefined}>
                {onChoose && (
                  <td>
                    <input
                      type="radio"
                      name={`image-${props.name}`}
                      aria-label={`Image ${img.index + 1}: ${label}`}
                      checked={choice === img.index}
                      onChange={() => onChoose(img.index)}
                    />
                  </td>
                )}
                <td className="tags-cell">
                  {img.tags.length ? (
                    img.tags.map((t) => (
                      <span key={t} className="chip mono">
                        {t}
                      </span>
                    ))
                  ) : (
                    <span className="muted">untagged · config {shortDigest(img.configDigest)}</span>
                  )}
                </td>
                <td className="mono">{formatPlatform(img.platform)}</td>
                <td className="num">{img.layerCount}</td>
                <td className="num">{formatBytes(img.size)}</td>
                <td>
                  <When iso={img.created} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {onChoose && (
        <label className="check all-images">
          <input
            type="radio"
            name={`image-${props.name}`}
            checked={choice === 'all'}
            disabled={!allTagged}
            onChange={() => onChoose('all')}
          />
          <span>
            All {plural(images.length, 'image')}, each under its original tags
            {!allTagged && <span className="muted"> (an image has no tag)</span>}
          </span>
        </label>
      )}
    </div>
  );
}
