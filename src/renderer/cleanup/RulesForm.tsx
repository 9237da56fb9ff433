/** The rule inputs; every change re-plans (debounced by the page). */
import type { RulesForm as Form } from './rules-form';

/** Keep rules on the left of the sentence, delete filters on the right; all of them combine. */
export function RulesForm(props: { value: Form; onChange: (next: Form) => void }) {
  const { value, onChange } = props;
  const set = <K extends keyof Form>(key: K, v: Form[K]) => onChange({ ...value, [key]: v });
  return (
    <form className="cleanup-rules" aria-label="Cleanup rules" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Keep</legend>
        <label className="field">
          <span>Keep newest</span>
          <input
            type="number"
            min={0}
            step={1}
            inputMode="numeric"
            placeholder="e.g. 10"
            value={value.keepNewest}
            onChange={(e) => set('keepNewest', e.target.value)}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={value.keepSemver} onChange={(e) => set('keepSemver', e.target.checked)} />
          Keep semver releases
        </label>
        <p className="hint">Newest counts images (digests) by created date; releases are 1.2.3 or v1.2.3.</p>
      </fieldset>
      <fieldset>
        <legend>Delete only tags that</legend>
        <label className="field">
          <span>Older than (days)</span>
          <input
            type="number"
            min={0}
            inputMode="decimal"
            placeholder="e.g. 30"
            value={value.olderThanDays}
            onChange={(e) => set('olderThanDays', e.target.value)}
          />
        </label>
        <label className="field">
          <span>Name matches</span>
          <input type="text" className="mono" placeholder="pr-*  or  /^build-\d+$/" value={value.nameMatches} onChange={(e) => set('nameMatches', e.target.value)} spellCheck={false} />
        </label>
        <label className="field">
          <span>Name does not match</span>
          <input type="text" className="mono" placeholder="latest" value={value.nameNotMatches} onChange={(e) => set('nameNotMatches', e.target.value)} spellCheck={false} />
        </label>
        <p className="hint">Patterns: a glob over the whole tag (* and ?), or a /regular expression/.</p>
      </fieldset>
    </form>
  );
}
