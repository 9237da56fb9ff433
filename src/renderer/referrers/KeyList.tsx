/** The saved public keys that apply to one repository, each removable. */
import { useQuery } from '@tanstack/react-query';
import { signingKeysQuery, useRemoveSigningKey } from './queries';

/** Keys saved for `host` as a whole or for `repository`; nothing when there are none. */
export function KeyList(props: { host: string; repository: string }) {
  const keys = useQuery(signingKeysQuery());
  const remove = useRemoveSigningKey();
  const mine = (keys.data ?? []).filter((k) => k.registry === props.host && (k.repository === null || k.repository === props.repository));
  if (!mine.length) return null;
  return (
    <ul className="key-list" aria-label="Public keys that apply">
      {mine.map((k) => (
        <li key={k.id} data-testid="signing-key">
          <b>{k.name}</b>{' '}
          <span className="muted small-text">
            {k.algorithm === 'unsupported' ? 'unsupported key type' : k.algorithm} · {k.repository ? 'this repository' : 'whole registry'}
          </span>
          <button type="button" className="small link" disabled={remove.isPending} onClick={() => remove.mutate(k.id)} aria-label={`Remove key ${k.name}`}>
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}
