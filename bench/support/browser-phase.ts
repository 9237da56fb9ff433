/**
 * Phase 2 and 3 of the browse benchmark: the web shell (`berth serve`) in Debian's Chromium,
 * driven as a user would (Add registry → repository list → 1,000-tag repository → fast scroll),
 * timed in the page (click event timestamp → first animation frame where the rows are on screen).
 */
import { chromium, type Page } from '@playwright/test';
import { startApp, type RunningApp } from '../../test/support/app/serve';
import { apiTimings, armClickClock, fastScrollTags, readClickClock, waitForProbe, type ApiTimings, type ProbeKind, type ProbeResult } from './page-probes';
import { startProfile } from './cpu-profile';
import { processMemory } from './proc-memory';
import { phaseRequests, requestedTags, type PhaseRequests } from './request-stats';
import type { TestProxy } from '../../test/support/proxy/proxy';

export const CHROMIUM = process.env.BERTH_BENCH_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const VIEWPORT = { width: 1280, height: 900 };
const WAIT_MS = 60_000;
/** The fast scroll: one scrollTop step every 16 ms for about 2 s. */
const SCROLL = { durationMs: 2000, stepMs: 16 };

/** Everything the browser phases measured. */
export interface BrowserFigures {
  viewport: { width: number; height: number };
  /** Summaries of the CPU profiles taken when BERTH_BENCH_PROFILE is set. */
  profiles: string[];
  repositories: {
    addToFirstRowsMs: number;
    rowsShown: number;
    requestsAtFirstRows: PhaseRequests;
    addToWholeCatalogMs: number | null;
    requestsSettled: PhaseRequests;
  };
  tags: {
    openToFirstRowsMs: number;
    openToDetailsMs: number;
    rowsShown: number;
    detailErrors: number;
    requestsAtFirstRows: PhaseRequests;
    requestsAtDetails: PhaseRequests;
    requestsSettled: PhaseRequests;
    /** Detail requests (manifest + config) per row shown, paging excluded. */
    detailRequestsPerRow: number;
    /** The page's getTagDetail calls to the web shell, times from the click. */
    detailCalls: ApiTimings;
    timedOut: string[];
  };
  scroll: {
    ms: number;
    steps: number;
    rowsPassed: number;
    requestsDuringScroll: PhaseRequests;
    requestsSettled: PhaseRequests;
    /** Rows passed whose details were never requested (dropped before sending). */
    rowsDropped: number;
    /** Tags requested that were never seen in the viewport (should be 0), and the first few of them. */
    requestedNotSeen: number;
    requestedNotSeenTags: string[];
    endToDetailsMs: number;
    rowsShownAtEnd: number;
    frames: number;
    longTasks: number;
    longestTaskMs: number;
    /** Main-thread work during the scroll (CDP Performance.getMetrics deltas) and DOM size after it. */
    work: { layouts: number; layoutMs: number; styleMs: number; scriptMs: number; taskMs: number; domElements: number };
  };
  memory: {
    jsHeapUsed: number | null;
    jsHeapTotal: number | null;
    jsHeapUsedAfterGc: number | null;
    serveRssAtStart: number | null;
    serveRss: number | null;
    servePeakRss: number | null;
  };
}

function probe(page: Page, kind: ProbeKind, expectedRepos?: number): Promise<ProbeResult> {
  return page.evaluate(waitForProbe, { kind, timeoutMs: WAIT_MS, expectedRepos });
}

/** Clicks `target` and measures, in the page, from the click event until each probe first holds. */
async function clickAndTime(page: Page, click: () => Promise<void>, probes: Promise<ProbeResult>[]): Promise<{ clickAt: number; results: Promise<ProbeResult>[] }> {
  await click();
  const clickAt = await page.evaluate(readClickClock);
  return { clickAt, results: probes };
}

/** Opens the web shell in Chromium and runs the browsing phases against the registry behind `proxy`. */
export async function benchBrowser(proxy: TestProxy, opts: { repository: string; expectedRepos: number }): Promise<BrowserFigures> {
  const app: RunningApp = await startApp();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    // tsx compiles with keepNames: functions passed to evaluate may call esbuild's __name helper.
    await context.addInitScript({
      content: 'globalThis.__name = globalThis.__name || ((f) => f); performance.setResourceTimingBufferSize(100000);',
    });
    const page = await context.newPage();
    await page.goto(await app.loginUrl());
    const serveRssAtStart = processMemory(app.pid)?.rss ?? null;
    const repo = opts.repository;
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(list.map((m) => [m.name, m.value]));
    };
    const profiles: string[] = [];

    // --- Add the registry: first repository rows, then the whole catalog.
    await page.getByRole('button', { name: 'Add registry' }).first().click();
    await page.getByLabel('Registry URL').fill(proxy.host);
    await proxy.waitIdle(300);
    proxy.reset();
    await page.evaluate(armClickClock);
    const firstRepos = probe(page, 'repoRows');
    const wholeCatalog = probe(page, 'catalogLoaded', opts.expectedRepos);
    const add = await clickAndTime(page, () => page.getByRole('button', { name: 'Add', exact: true }).click(), [firstRepos, wholeCatalog]);
    const repoRows = await add.results[0];
    const repoAtFirst = phaseRequests([...proxy.seen], repo);
    const catalog = await add.results[1];
    await proxy.waitIdle(1000);
    const repoSettled = phaseRequests([...proxy.seen], repo);

    // --- Open the 1,000-tag repository from the (filtered) list.
    await page.getByLabel('Filter repositories').fill(repo);
    const link = page.locator('[aria-label="Repositories"] a').filter({ hasText: repo.split('/').pop()! }).first();
    await link.waitFor({ state: 'visible', timeout: WAIT_MS });
    await proxy.waitIdle(500);
    proxy.reset();
    await page.evaluate(armClickClock);
    const firstTags = probe(page, 'tagRows');
    const details = probe(page, 'tagDetails');
    const stopOpenProfile = await startProfile(cdp, 'open-tags');
    const open = await clickAndTime(page, () => link.click(), [firstTags, details]);
    const tagRows = await open.results[0];
    const tagsAtFirst = phaseRequests([...proxy.seen], repo);
    const tagDetails = await open.results[1];
    const tagsAtDetails = phaseRequests([...proxy.seen], repo);
    profiles.push((await stopOpenProfile()) ?? '');
    await proxy.waitIdle(1000);
    const tagsSettled = phaseRequests([...proxy.seen], repo);
    const detailCalls = await page.evaluate(apiTimings, { method: 'getTagDetail', since: open.clickAt });

    // --- Fast scroll through the whole table.
    proxy.reset();
    const stopScrollProfile = await startProfile(cdp, 'fast-scroll');
    const before = await metrics();
    const scroll = await page.evaluate(fastScrollTags, SCROLL);
    const after = await metrics();
    const duringScroll = phaseRequests([...proxy.seen], repo);
    const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    // Chromium reports durations in seconds.
    const work = {
      layouts: delta('LayoutCount'),
      layoutMs: delta('LayoutDuration') * 1000,
      styleMs: delta('RecalcStyleDuration') * 1000,
      scriptMs: delta('ScriptDuration') * 1000,
      taskMs: delta('TaskDuration') * 1000,
      domElements: await page.evaluate(() => document.getElementsByTagName('*').length),
    };
    profiles.push((await stopScrollProfile()) ?? '');
    const bottom = await probe(page, 'tagDetails');
    await proxy.waitIdle(1000);
    const scrollSeen = [...proxy.seen];
    const scrollSettled = phaseRequests(scrollSeen, repo);
    // Rows the last scroll position shows may paint after the observer stopped: they were passed too.
    const passed = new Set([...scroll.tagsSeen, ...bottom.tags.filter(Boolean)]);
    const requested = requestedTags(scrollSeen, repo);
    // Rows already detailed before the scroll (the top screen) need no request: not "dropped".
    const cached = new Set(tagDetails.tags);
    const passedUncached = [...passed].filter((t) => !cached.has(t));

    // --- Memory after browsing.
    const heap = await metrics();
    await cdp.send('HeapProfiler.collectGarbage');
    const heapAfterGc = await metrics();
    const jsHeapUsed = heap.JSHeapUsedSize ?? null;
    const jsHeapTotal = heap.JSHeapTotalSize ?? null;
    const jsHeapUsedAfterGc = heapAfterGc.JSHeapUsedSize ?? null;
    const serve = processMemory(app.pid);

    const timedOut = [
      ['first repository rows', repoRows],
      ['first tag rows', tagRows],
      ['visible rows details', tagDetails],
      ['details after scroll', bottom],
    ].filter(([, r]) => (r as ProbeResult).timedOut).map(([n]) => n as string);
    if (catalog.timedOut) timedOut.push('whole catalog listed');

    return {
      viewport: VIEWPORT,
      profiles: profiles.filter(Boolean),
      repositories: {
        addToFirstRowsMs: repoRows.at - add.clickAt,
        rowsShown: repoRows.rows,
        requestsAtFirstRows: repoAtFirst,
        addToWholeCatalogMs: catalog.timedOut ? null : catalog.at - add.clickAt,
        requestsSettled: repoSettled,
      },
      tags: {
        openToFirstRowsMs: tagRows.at - open.clickAt,
        openToDetailsMs: tagDetails.at - open.clickAt,
        rowsShown: tagDetails.rows,
        detailErrors: tagDetails.errors,
        requestsAtFirstRows: tagsAtFirst,
        requestsAtDetails: tagsAtDetails,
        requestsSettled: tagsSettled,
        detailRequestsPerRow: tagsSettled.detail / Math.max(1, tagDetails.rows),
        detailCalls,
        timedOut,
      },
      scroll: {
        ms: scroll.ms,
        steps: scroll.steps,
        rowsPassed: passed.size,
        requestsDuringScroll: duringScroll,
        requestsSettled: scrollSettled,
        rowsDropped: passedUncached.filter((t) => !requested.includes(t)).length,
        requestedNotSeen: requested.filter((t) => !passed.has(t)).length,
        requestedNotSeenTags: requested.filter((t) => !passed.has(t)).slice(0, 20),
        endToDetailsMs: bottom.at - scroll.endedAt,
        rowsShownAtEnd: bottom.rows,
        frames: scroll.frames,
        longTasks: scroll.longTasks,
        longestTaskMs: scroll.longestTaskMs,
        work,
      },
      memory: {
        jsHeapUsed,
        jsHeapTotal,
        jsHeapUsedAfterGc,
        serveRssAtStart,
        serveRss: serve?.rss ?? null,
        servePeakRss: serve?.peak ?? null,
      },
    };
  } finally {
    await browser.close().catch(() => undefined);
    await app.stop();
  }
}
