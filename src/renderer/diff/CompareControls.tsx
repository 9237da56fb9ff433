/** The tags table's compare controls: a checkbox per row and the bar that opens the diff of two picked tags. */
import { navigate } from '../app/route';
import './diff.css';
import type { CompareSelection } from './use-compare-selection';

/** A row's checkbox; it never opens the row (the row's own click does). */
export function CompareCheckbox(props: { tag: string; selection: CompareSelection }) {
  return (
    <label className="compare-check" onClick={(e) => e.stopPropagation()}>
      <input type="checkbox" checked={props.selection.selected.includes(props.tag)} onChange={() => props.selection.toggle(props.tag)} />
      <span className="visually-hidden">Select {props.tag} to compare</span>
    </label>
  );
}

/** "Compare 1.0 with 2.0" once two tags are picked; a hint after the first. */
export function CompareBar(props: { registryId: string; repository: string; selection: CompareSelection }) {
  const { selected, clear } = props.selection;
  if (selected.length === 0) return null;
  const side = (reference: string) => ({ registryId: props.registryId, repository: props.repository, reference });
  return (
    <span className="compare-bar" data-testid="compare-bar">
      {selected.length === 1 ? (
        <span className="muted small-text">Pick one more tag to compare with {selected[0]}</span>
      ) : (
        <button type="button" className="small primary" onClick={() => navigate({ screen: 'diff', a: side(selected[0]), b: side(selected[1]) })}>
          Compare {selected[0]} with {selected[1]}
        </button>
      )}
      <button type="button" className="small link" onClick={clear}>
        Clear
      </button>
    </span>
  );
}
