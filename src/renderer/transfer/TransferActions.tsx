/**
 * "Save as archive…" and "Copy to…" for one tag: a small menu button (tags table rows) or two
 * buttons (image view), each opening its dialog.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { CopyDialog } from './CopyDialog';
import { SaveDialog } from './SaveDialog';

type Open = 'save' | 'copy' | null;

function Dialogs(props: { open: Open; registryId: string; repository: string; reference: string; onClose: () => void }) {
  const { open, ...rest } = props;
  if (open === 'save') return <SaveDialog {...rest} />;
  if (open === 'copy') return <CopyDialog {...rest} />;
  return null;
}

/** Two plain buttons, for the image view's header. */
export function TransferButtons(props: { registryId: string; repository: string; reference: string }) {
  const [open, setOpen] = useState<Open>(null);
  return (
    <>
      <button type="button" className="small" onClick={() => setOpen('save')}>
        Save as archive…
      </button>
      <button type="button" className="small" onClick={() => setOpen('copy')}>
        Copy to…
      </button>
      <Dialogs open={open} {...props} onClose={() => setOpen(null)} />
    </>
  );
}

/** A "⋯" menu button for a tags table row (arrow keys move, Esc closes and returns focus). */
export function TransferMenu(props: { registryId: string; repository: string; reference: string }) {
  const [menu, setMenu] = useState(false);
  const [open, setOpen] = useState<Open>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (!menu) return;
    list.current?.querySelector('button')?.focus();
    const close = (e: MouseEvent) => {
      if (!list.current?.contains(e.target as Node) && e.target !== button.current) setMenu(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [menu]);
  const onKey = (e: KeyboardEvent) => {
    const items = [...(list.current?.querySelectorAll('button') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setMenu(false);
      button.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    } else if (e.key === 'Tab') setMenu(false);
  };
  const choose = (what: Open) => {
    setMenu(false);
    setOpen(what);
  };
  return (
    <span className="row-menu">
      <button
        ref={button}
        type="button"
        className="small"
        aria-haspopup="menu"
        aria-expanded={menu}
        aria-label={`More actions for ${props.reference}`}
        onClick={() => setMenu(!menu)}
      >
        ⋯
      </button>
      {menu && (
        <ul ref={list} role="menu" className="row-menu-list" aria-label={`Actions for ${props.reference}`} onKeyDown={onKey}>
          <li role="none">
            <button type="button" role="menuitem" onClick={() => choose('save')}>
              Save as archive…
            </button>
          </li>
          <li role="none">
            <button type="button" role="menuitem" onClick={() => choose('copy')}>
              Copy to…
            </button>
          </li>
        </ul>
      )}
      {/* Out of the row's DOM (its faded action styles); React still bubbles clicks to the row, which opens the image. */}
      {open &&
        createPortal(
          <div onClick={(e) => e.stopPropagation()}>
            <Dialogs open={open} {...props} onClose={() => setOpen(null)} />
          </div>,
          document.body,
        )}
    </span>
  );
}
