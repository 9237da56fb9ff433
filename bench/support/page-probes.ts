/**
 * Functions that run inside the page (passed to `page.evaluate`): each is serialized on its own,
 * so everything it needs lives in its body. They find rows by role and accessible name, and
 * count a row as "shown" only when it overlaps the part of its scroll box the eye can see.
 */

/** What the page is waited for. */
export type ProbeKind = 'repoRows' | 'tagRows' | 'tagDetails' | 'catalogLoaded';

/** When the condition first held (performance.now() of the page), and what was on screen then. */
export interface ProbeResult {
  at: number;
  /** Rows in the viewport at that moment. */
  rows: number;
  /** Rows in the viewport whose details ended in an error (tagDetails). */
  errors: number;
  timedOut: boolean;
  /** Tags of the rows in the viewport (tag probes). */
  tags: string[];
}

/** Installs `window.__benchClick`: the timestamp of the next click, taken in the capture phase. */
export function armClickClock(): void {
  const w = window as unknown as { __benchClick?: number };
  w.__benchClick = undefined;
  document.addEventListener('click', (e) => (w.__benchClick = e.timeStamp), { capture: true, once: true });
}

/** The timestamp armClickClock recorded (NaN when no click was seen). */
export function readClickClock(): number {
  return (window as unknown as { __benchClick?: number }).__benchClick ?? Number.NaN;
}

/** Checks `kind` every animation frame until it holds or `timeoutMs` passes. */
export function waitForProbe(arg: { kind: ProbeKind; timeoutMs: number; expectedRepos?: number }): Promise<ProbeResult> {
  const scrollBox = (el: Element): Element | null => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const oy = getComputedStyle(p).overflowY;
      if ((oy === 'auto' || oy === 'scroll') && p.clientHeight > 0) return p;
    }
    return null;
  };
  const inView = (rows: Element[], box: Element | null, header: Element | null): Element[] => {
    const b = box?.getBoundingClientRect();
    let top = b ? b.top : 0;
    const bottom = b ? b.bottom : window.innerHeight;
    // A sticky header covers the top of the box.
    if (header) top = Math.max(top, header.getBoundingClientRect().bottom);
    return rows.filter((r) => {
      const rr = r.getBoundingClientRect();
      return rr.height > 0 && Math.min(rr.bottom, bottom) - Math.max(rr.top, top) >= 1;
    });
  };
  const tagRowsInView = (): Element[] => {
    const table = document.querySelector('[role="table"][aria-label="Tags"]');
    if (!table) return [];
    const all = [...table.querySelectorAll('[role="row"]')];
    const header = all.find((r) => r.querySelector('[role="columnheader"]')) ?? null;
    // A row counts once it names its tag (placeholder rows do not).
    const body = all.filter((r) => r !== header && (r.querySelector('[role="cell"]')?.textContent ?? '').trim() !== '');
    return inView(body, scrollBox(table), header);
  };
  const cellText = (row: Element, i: number): string => (row.querySelectorAll('[role="cell"]')[i]?.textContent ?? '').trim();
  const check = (): { ok: boolean; rows: number; errors: number; tags: string[] } => {
    if (arg.kind === 'repoRows') {
      const list = document.querySelector('[aria-label="Repositories"]');
      const links = list ? [...list.querySelectorAll('a')].filter((a) => (a.textContent ?? '').trim() !== '') : [];
      const seen = inView(links, list ? scrollBox(list) : null, null);
      return { ok: seen.length > 0, rows: seen.length, errors: 0, tags: [] };
    }
    if (arg.kind === 'catalogLoaded') {
      // The count line reads "5,001 repositories" once every page arrived (no "more available").
      const text = document.querySelector('[data-testid="repository-count"]')?.textContent ?? '';
      const n = Number((/([\d,]+)\s+repositor/.exec(text)?.[1] ?? '0').replace(/,/g, ''));
      return { ok: n >= (arg.expectedRepos ?? 1) && !/more/.test(text), rows: n, errors: 0, tags: [] };
    }
    const rows = tagRowsInView();
    const tags = rows.map((r) => cellText(r, 0));
    if (arg.kind === 'tagRows') return { ok: rows.length > 0, rows: rows.length, errors: 0, tags };
    // Details: digest, size and created all shown, or the row shows its error (a Retry button).
    let errors = 0;
    const done = rows.every((r) => {
      if ([...r.querySelectorAll('button')].some((b) => /retry/i.test(b.textContent ?? ''))) {
        errors++;
        return true;
      }
      return cellText(r, 1) !== '' && cellText(r, 2) !== '' && cellText(r, 3) !== '';
    });
    return { ok: rows.length > 0 && done, rows: rows.length, errors, tags };
  };
  const start = performance.now();
  return new Promise((resolve) => {
    const frame = () => {
      const c = check();
      const now = performance.now();
      if (c.ok || now - start > arg.timeoutMs) {
        resolve({ at: now, rows: c.rows, errors: c.errors, timedOut: !c.ok, tags: c.tags });
        return;
      }
      requestAnimationFrame(frame);
    };
    frame();
  });
}

/** What a fast scroll passed over. */
export interface ScrollResult {
  ms: number;
  steps: number;
  /** Distinct tags that were in the viewport in at least one frame of the scroll. */
  tagsSeen: string[];
  startedAt: number;
  endedAt: number;
  /** Animation frames the page painted during the scroll. */
  frames: number;
  /** Main-thread tasks over 50 ms during the scroll (PerformanceObserver "longtask"). */
  longTasks: number;
  longestTaskMs: number;
}

/**
 * Scrolls the tags table from top to bottom in `stepMs` steps over `durationMs`. Rows count as
 * passed when an IntersectionObserver saw them in the visible part of the table: that needs no
 * forced layout, so the probe does not slow the scroll it measures.
 */
export function fastScrollTags(arg: { durationMs: number; stepMs: number }): Promise<ScrollResult> {
  const table = document.querySelector('[role="table"][aria-label="Tags"]');
  let box: HTMLElement | null = null;
  for (let p = table?.parentElement ?? null; p; p = p.parentElement) {
    const oy = getComputedStyle(p).overflowY;
    if ((oy === 'auto' || oy === 'scroll') && p.clientHeight > 0) {
      box = p;
      break;
    }
  }
  if (!table || !box) return Promise.reject(new Error('no scrollable tags table on the page'));
  const scroller = box;
  const header = [...table.querySelectorAll('[role="row"]')].find((r) => r.querySelector('[role="columnheader"]'));
  const headerHeight = Math.ceil(header?.getBoundingClientRect().height ?? 0);
  const max = scroller.scrollHeight - scroller.clientHeight;
  const seen = new Set<string>();
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (e.isIntersecting && e.intersectionRatio > 0) seen.add((e.target.querySelector('[role="cell"]')?.textContent ?? '').trim());
      }
    },
    { root: scroller, rootMargin: `-${headerHeight}px 0px 0px 0px`, threshold: [0, 0.01] },
  );
  const watch = (n: Node) => {
    if (n instanceof Element && n.getAttribute('role') === 'row' && n !== header) io.observe(n);
  };
  table.querySelectorAll('[role="row"]').forEach(watch);
  const mo = new MutationObserver((records) => {
    for (const r of records) r.addedNodes.forEach(watch);
  });
  mo.observe(table, { childList: true, subtree: true });

  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  try {
    observer.observe({ type: 'longtask', buffered: false });
  } catch {
    // Not every browser reports long tasks; the figure stays 0.
  }
  const startedAt = performance.now();
  let steps = 0;
  let frames = 0;
  let counting = true;
  const onFrame = () => {
    frames++;
    if (counting) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  return new Promise((resolve) => {
    const tick = () => {
      const f = Math.min(1, (performance.now() - startedAt) / arg.durationMs);
      scroller.scrollTop = Math.round(max * f);
      steps++;
      if (f < 1) {
        setTimeout(tick, arg.stepMs);
        return;
      }
      // Two more frames so the last position is rendered and observed.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          counting = false;
          const endedAt = performance.now();
          for (const e of io.takeRecords()) if (e.isIntersecting) seen.add((e.target.querySelector('[role="cell"]')?.textContent ?? '').trim());
          io.disconnect();
          mo.disconnect();
          for (const e of observer.takeRecords()) longTasks.push(e.duration);
          observer.disconnect();
          resolve({
            ms: endedAt - startedAt,
            steps,
            tagsSeen: [...seen].filter(Boolean),
            startedAt,
            endedAt,
            frames,
            longTasks: longTasks.length,
            longestTaskMs: Math.max(0, ...longTasks),
          });
        }),
      );
    };
    tick();
  });
}

/** How the page's calls of one web-shell API method went (Resource Timing, times from `since`). */
export interface ApiTimings {
  calls: number;
  firstStartMs: number | null;
  lastEndMs: number | null;
  /** Mean time from fetch() until the request was sent: waiting for a connection. */
  meanQueuedMs: number | null;
  /** Mean time from sending until the first byte of the answer: the web shell + engine + registry. */
  meanServerMs: number | null;
  /** Most calls in flight at once. */
  maxConcurrent: number;
}

/** Summarizes `/api/<method>` fetches that started after `since` (performance.now() of the page). */
export function apiTimings(arg: { method: string; since: number }): ApiTimings {
  const entries = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
    (e) => e.name.includes(`/api/${arg.method}`) && e.startTime >= arg.since,
  );
  if (!entries.length) return { calls: 0, firstStartMs: null, lastEndMs: null, meanQueuedMs: null, meanServerMs: null, maxConcurrent: 0 };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const edges = entries.flatMap((e) => [
    [e.startTime, 1],
    [e.responseEnd, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return {
    calls: entries.length,
    firstStartMs: Math.min(...entries.map((e) => e.startTime)) - arg.since,
    lastEndMs: Math.max(...entries.map((e) => e.responseEnd)) - arg.since,
    meanQueuedMs: mean(entries.map((e) => (e.requestStart || e.startTime) - e.startTime)),
    meanServerMs: mean(entries.map((e) => e.responseStart - (e.requestStart || e.startTime))),
    maxConcurrent: max,
  };
}
