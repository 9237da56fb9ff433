/** Platform checkboxes of a multi-platform tag (nothing for a single image), and what they choose. */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Platform } from '../../shared/types';
import { formatPlatform } from '../app/format';
import { manifestQuery } from '../image/queries';
import { platformChoice, platformKey } from './platforms';

/** The tag's platforms (attestation manifests left out), the ticked set and the resulting choice. */
export function usePlatformPicker(registryId: string, repository: string, reference: string) {
  const manifest = useQuery(manifestQuery(registryId, repository, reference));
  const platforms = useMemo<Platform[]>(() => {
    const m = manifest.data;
    if (m?.kind !== 'index') return [];
    return m.manifests.filter((e) => !e.attestation && e.platform).map((e) => e.platform!);
  }, [manifest.data]);
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(new Set());
  const ticked = useMemo(() => new Set(platforms.map(platformKey).filter((k) => !unticked.has(k))), [platforms, unticked]);
  const toggle = (key: string) =>
    setUnticked((old) => {
      const next = new Set(old);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return { manifest, platforms, ticked, toggle, choice: platformChoice(platforms, ticked) };
}

/** Renders the checkboxes; nothing when the tag is a single image. */
export function PlatformPicker(props: { picker: ReturnType<typeof usePlatformPicker> }) {
  const { platforms, ticked, toggle, choice } = props.picker;
  if (!platforms.length) return null;
  return (
    <fieldset className="fieldset">
      <legend>Platforms</legend>
      {platforms.map((p) => {
        const key = platformKey(p);
        return (
          <label key={key} className="check">
            <input type="checkbox" checked={ticked.has(key)} onChange={() => toggle(key)} />
            <span className="mono">{formatPlatform(p)}</span>
          </label>
        );
      })}
      {choice === null && <p className="inline-error">Choose at least one platform.</p>}
      {choice?.kind === 'some' && <p className="hint">A new index with the chosen platforms is written (its digest differs from the tag’s).</p>}
    </fieldset>
  );
}
