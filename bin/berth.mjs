#!/usr/bin/env node
// The `berth` command: loads the built CLI (out/main/cli.js) with plain Node, no Electron.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`error UNSUPPORTED: Berth needs Node.js 20 or newer (this is ${process.version}). Install a newer Node.js.`);
  process.exit(1);
}
// undici parses HTTP with WebAssembly (llhttp); V8 recompiles its hot functions with TurboFan in the
// background and Node waits for those jobs before the process can exit (~100 ms of a re-push on a
// loaded machine). Short commands never profit from that code; `serve` is long-lived and keeps it.
if (process.argv[2] !== 'serve') setFlagsFromString('--wasm-tiering-budget=1000000000');
const entry = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('error INTERNAL: Berth is not built yet (out/main/cli.js is missing). Run `npm run build` in the Berth folder, then try again.');
  process.exit(1);
}
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2));
