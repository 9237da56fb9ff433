/**
 * A modal built on the native `<dialog>` (focus trap, Esc and inert background for free), and the
 * one focus pattern every dialog follows: it focuses its first field when it opens, and gives the
 * focus back to the control that opened it when it closes (or, when that control is gone — a
 * deleted row — to the main region, never to `<body>`).
 */
import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';

/** What a dialog focuses first: a field marked `data-autofocus`, else its first field, else its first button. */
const FIRST_FIELD = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])';

/** Focuses the preferred first control inside `root`; true when something took the focus. */
export function focusFirstField(root: ParentNode): boolean {
  const target =
    root.querySelector<HTMLElement>('[data-autofocus]:not([disabled])') ??
    root.querySelector<HTMLElement>(FIRST_FIELD) ??
    root.querySelector<HTMLElement>('button:not([disabled]), a[href]');
  target?.focus();
  return !!target;
}

/** Where focus goes when the opener is gone: the main region (focusable by script only). */
function fallbackFocus(): void {
  document.getElementById('main')?.focus({ preventScroll: true });
}

/** Opens as soon as it mounts; unmount to close. Its accessible name is `title`. */
export function Modal(props: { title: string; onClose: () => void; children: ReactNode; testId?: string; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // The latest onClose without re-running the effect: re-running would close and reopen the dialog.
  const onCloseRef = useRef(props.onClose);
  useEffect(() => {
    onCloseRef.current = props.onClose;
  });

  // Layout effect: the opener is read before anything else moves the focus, and given back
  // before React removes the dialog (a removed dialog would drop the focus to <body>).
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement && !dialog.contains(document.activeElement) ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    focusFirstField(dialog);
    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus({ preventScroll: true });
      else fallbackFocus();
    };
  }, []);

  return (
    <dialog ref={ref} className={props.wide ? 'modal wide' : 'modal'} aria-labelledby={titleId} data-testid={props.testId}>
      <h2 id={titleId} className="modal-title">
        {props.title}
      </h2>
      {props.children}
    </dialog>
  );
}
