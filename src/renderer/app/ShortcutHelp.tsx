/** The `?` overlay: every shortcut registered right now, plus the keys every list and dialog share. */
import { useState } from 'react';
import { Modal } from './Modal';
import { displayKey, useShortcut, useShortcutList, type Shortcut } from './shortcuts';
import './shortcuts.css';

const ALWAYS: Pick<Shortcut, 'keys' | 'description' | 'group'>[] = [
  { keys: ['↑', '↓', 'Home', 'End'], description: 'Move within a list (the sidebar is one Tab stop)', group: 'Everywhere' },
  { keys: ['←', '→'], description: 'Move between a sidebar item and its buttons', group: 'Everywhere' },
  { keys: ['Escape'], description: 'Close the dialog (focus returns to what opened it)', group: 'Everywhere' },
];

function Keys(props: { keys: string[] }) {
  return (
    <span className="shortcut-keys">
      {props.keys.map((k, i) => (
        <span key={k}>
          {i > 0 && <span className="muted"> or </span>}
          <kbd>{displayKey(k)}</kbd>
        </span>
      ))}
    </span>
  );
}

/** Mounted once in the app; `?` opens it. */
export function ShortcutHelp() {
  const [open, setOpen] = useState(false);
  const list = useShortcutList();
  useShortcut({ keys: ['?'], description: 'Show these shortcuts', group: 'Everywhere', run: () => setOpen(true) });
  if (!open) return null;
  // One line per key: the handler that would win it (the list is in registration order).
  const seen = new Set<string>();
  const shown = [...list]
    .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))
    .filter((s) => {
      const fresh = s.keys.some((k) => !seen.has(k));
      s.keys.forEach((k) => seen.add(k));
      return fresh;
    });
  const groups = new Map<string, Pick<Shortcut, 'keys' | 'description'>[]>();
  for (const s of [...shown, ...ALWAYS]) groups.set(s.group ?? 'This screen', [...(groups.get(s.group ?? 'This screen') ?? []), s]);
  return (
    <Modal title="Keyboard shortcuts" onClose={() => setOpen(false)} testId="shortcut-help">
      {[...groups].map(([group, items]) => (
        <section key={group} className="shortcut-group">
          <h3 className="section-title">{group}</h3>
          <dl className="shortcut-list">
            {items.map((s) => (
              <div key={s.keys.join(' ')}>
                <dt>
                  <Keys keys={s.keys} />
                </dt>
                <dd>{s.description}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <div className="form-actions">
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </Modal>
  );
}
