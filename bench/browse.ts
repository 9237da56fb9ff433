/**
 * Browse benchmark (prints figures, asserts nothing): a real docker-registry seeded over HTTP with
 * 5,000 repositories in 50 namespaces and one repository of 1,000 tags, a counting proxy in front,
 * then (1) the whole catalog through the engine, (2) the web shell in Chromium: first repository
 * rows, first tag rows, visible rows' details, a fast scroll, and (3) memory after browsing.
 * Figures go to stdout and to bench/results/browse.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { startRegistry } from '../test/support/registry/start';
import { benchBrowser, CHROMIUM, type BrowserFigures } from './support/browser-phase';
import { benchEngineCatalog, type CatalogRun } from './support/engine-phase';
import { mib, secs, table, type Row } from './support/report';
import { describeKinds } from './support/request-stats';
import { MANY_TAGS_REPO, NAMESPACES, seedBrowseRegistry, TAG_COUNT, type SeedResult } from './support/seed-browse';
import { startProxy } from '../test/support/proxy/proxy';

/** Targets from the issue, and Joxit's docker-registry-ui 2.6 measured on this machine. */
const TARGET = { firstRepoRowsMs: 500, firstTagRowsMs: 500, detailsMs: 1000, requestsPerRow: 2 };
const ANCHOR = { firstRepoRowsMs: 5200, firstTagRowsMs: 1300, detailsMs: 1800 };
const RESULTS = resolve(import.meta.dirname, 'results/browse.json');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function rowsOf(seed: SeedResult | null, engine: CatalogRun[], b: BrowserFigures | null): Row[] {
  const rows: Row[] = [
    {
      figure: 'Seeding over HTTP (5,000 repos + 1,000 tags)',
      value: seed ? `${secs(seed.totalMs)} (${secs(seed.reposMs)} + ${secs(seed.tagsMs)})` : 'skipped (BERTH_BENCH_REGISTRY)',
    },
    {
      figure: `Engine: whole catalog (${engine[0].repositories} repos), first / median of ${engine.length}`,
      value: `${secs(engine[0].ms)} / ${secs(median(engine.map((r) => r.ms)))}, ${engine[0].requests} requests`,
    },
  ];
  if (!b) return rows;
  const t = b.tags;
  const s = b.scroll;
  rows.push(
    {
      figure: 'Add → first repository rows',
      value: `${secs(b.repositories.addToFirstRowsMs)} (${b.repositories.requestsAtFirstRows.total} req)`,
      target: '≤ 0.50 s',
      anchor: secs(ANCHOR.firstRepoRowsMs),
      meets: b.repositories.addToFirstRowsMs <= TARGET.firstRepoRowsMs,
    },
    {
      figure: 'Add → whole catalog listed in the UI',
      value: `${secs(b.repositories.addToWholeCatalogMs)} (${describeKinds(b.repositories.requestsSettled.byKind)})`,
    },
    {
      figure: `Open ${TAG_COUNT}-tag repo → first tag rows`,
      value: `${secs(t.openToFirstRowsMs)} (${t.requestsAtFirstRows.total} req)`,
      target: '≤ 0.50 s',
      anchor: secs(ANCHOR.firstTagRowsMs),
      meets: t.openToFirstRowsMs <= TARGET.firstTagRowsMs,
    },
    {
      figure: `Open → visible rows' details (${t.rowsShown} rows shown)`,
      value: `${secs(t.openToDetailsMs)}${t.detailErrors ? ` (${t.detailErrors} rows failed)` : ''}`,
      target: '≤ 1.00 s',
      anchor: secs(ANCHOR.detailsMs),
      meets: t.openToDetailsMs <= TARGET.detailsMs && t.detailErrors === 0,
    },
    {
      figure: 'Requests for the tags screen (settled)',
      value: `${t.requestsSettled.detail} detail + ${t.requestsSettled.paging} paging = ${t.detailRequestsPerRow.toFixed(2)} per row shown + paging (${describeKinds(t.requestsSettled.byKind)})`,
      target: '≤ 2 per row + paging',
      meets: t.detailRequestsPerRow <= TARGET.requestsPerRow,
    },
    {
      figure: 'Detail requests sent (after the tag list request)',
      value: `+${secs(t.requestsSettled.firstDetailAt)} … +${secs(t.requestsSettled.lastDetailAt)}, ${t.requestsSettled.meanDetailMs?.toFixed(0) ?? 'n/a'} ms each at the registry`,
    },
    {
      figure: 'getTagDetail calls from the page (times from the click)',
      value: `${t.detailCalls.calls} calls, +${secs(t.detailCalls.firstStartMs)} … +${secs(t.detailCalls.lastEndMs)}, ≤ ${t.detailCalls.maxConcurrent} at once, waited ${t.detailCalls.meanQueuedMs?.toFixed(0) ?? 'n/a'} ms for a connection, ${t.detailCalls.meanServerMs?.toFixed(0) ?? 'n/a'} ms to first byte`,
    },
    {
      figure: `Fast scroll (${s.steps} steps, ${s.frames} frames in ${secs(s.ms)}): rows passed`,
      value: `${s.rowsPassed} (${s.longTasks} long tasks, longest ${s.longestTaskMs.toFixed(0)} ms)`,
    },
    {
      figure: 'Page work during the scroll',
      value: `task ${s.work.taskMs.toFixed(0)} ms: script ${s.work.scriptMs.toFixed(0)}, layout ${s.work.layoutMs.toFixed(0)} (${s.work.layouts}×), style ${s.work.styleMs.toFixed(0)} ms; ${s.work.domElements} elements in the page`,
    },
    {
      figure: 'Detail requests during scroll / after settling',
      value: `${s.requestsDuringScroll.detail} / ${s.requestsSettled.detail} (${s.requestsSettled.tagsRequested} rows' details requested)`,
    },
    {
      figure: 'Rows passed whose requests were dropped',
      value: `${s.rowsDropped} of ${s.rowsPassed}; requested but never seen: ${s.requestedNotSeen}`,
    },
    { figure: `Scroll end → details of ${s.rowsShownAtEnd} rows shown`, value: secs(s.endToDetailsMs) },
    {
      figure: 'Page JS heap after browsing (used / after GC)',
      value: `${mib(b.memory.jsHeapUsed)} / ${mib(b.memory.jsHeapUsedAfterGc)}`,
    },
    {
      figure: '`berth serve` RSS (start / after browsing / peak)',
      value: `${mib(b.memory.serveRssAtStart)} / ${mib(b.memory.serveRss)} / ${mib(b.memory.servePeakRss)}`,
    },
  );
  return rows;
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`Berth browse benchmark — ${started}, Node ${process.version}, ${cpus().length} CPUs, load average ${load()}`);
  // BERTH_BENCH_REGISTRY: reuse a registry seeded earlier (by this script's seeding) and skip seeding.
  const reuse = process.env.BERTH_BENCH_REGISTRY;
  const reg = reuse ? null : await startRegistry();
  const regUrl = reuse ?? reg!.url;
  let browser: BrowserFigures | null = null;
  let browserError: string | null = null;
  try {
    let seed: SeedResult | null = null;
    if (reg) {
      console.log(`seeding ${reg.url}: ${NAMESPACES} namespaces × 100 repositories and ${MANY_TAGS_REPO} with ${TAG_COUNT} tags (over HTTP)…`);
      seed = await seedBrowseRegistry(reg);
      console.log(`seeded ${seed.repositories} repositories and ${seed.tags} tags in ${secs(seed.totalMs)}`);
    } else console.log(`using the registry already seeded at ${regUrl} (BERTH_BENCH_REGISTRY)`);
    const proxy = await startProxy(regUrl);
    try {
      const engine = await benchEngineCatalog(proxy);
      console.log(`engine listed ${engine[0].repositories} repositories (${describeKinds(engine[0].byKind)})`);
      if (process.env.BERTH_BENCH_SKIP_BROWSER) browserError = 'skipped (BERTH_BENCH_SKIP_BROWSER)';
      else {
        console.log(`browsing in ${CHROMIUM} (headless) through the web shell…`);
        try {
          browser = await benchBrowser(proxy, { repository: MANY_TAGS_REPO, expectedRepos: engine[0].repositories });
        } catch (err) {
          browserError = err instanceof Error ? (err.stack ?? err.message) : String(err);
          console.error(`browser phase failed: ${browserError}`);
        }
      }
      console.log('');
      console.log(table(rowsOf(seed, engine, browser)));
      if (browser?.tags.timedOut.length) console.log(`\nTimed out (60 s) waiting for: ${browser.tags.timedOut.join(', ')}`);
      for (const p of browser?.profiles ?? []) console.log(`\nCPU profile ${p}`);
      if (browser) console.log(`\nViewport ${browser.viewport.width}×${browser.viewport.height}; rows shown = rows overlapping the visible part of the table.`);
      mkdirSync(resolve(RESULTS, '..'), { recursive: true });
      const json = { started, node: process.version, cpus: cpus().length, loadavg: loadavg(), targets: TARGET, anchor: ANCHOR, seed, engine, browser, browserError };
      writeFileSync(RESULTS, JSON.stringify(json, null, 2) + '\n');
      console.log(`Load average at the end: ${load()} (figures are noisy when other work shares the CPUs).`);
      console.log(`Figures written to ${RESULTS}`);
    } finally {
      await proxy.stop();
    }
  } finally {
    await reg?.stop();
  }
  if (browserError && !browser) process.exitCode = 1;
}

await main();
