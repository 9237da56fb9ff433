/** "Open a repository by name": the way in when a registry has no catalog. */
import { useState, type FormEvent } from 'react';
import { navigate } from '../app/route';

/** A one-line form that navigates to the typed repository. */
export function OpenByName(props: { registryId: string }) {
  const [name, setName] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const repository = name.trim().replace(/^\/+|\/+$/g, '');
    if (repository) navigate({ screen: 'repository', registryId: props.registryId, repository });
  };
  return (
    <form className="open-by-name" onSubmit={submit}>
      <label className="field inline">
        <span>Repository name</span>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="library/alpine"
          spellCheck={false}
          autoCapitalize="off"
        />
      </label>
      <button type="submit" disabled={!name.trim()}>
        Open
      </button>
    </form>
  );
}
