/** Test helpers for the CLI: captured streams for in-process runs. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../../src/main/cli/io';

/** A CliIo whose output is collected; stdin is not a TTY unless asked. */
export function captureIo(opts: { tty?: boolean; input?: string } = {}): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = opts.tty ?? false;
  if (opts.input !== undefined) stdin.end(opts.input);
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, stdin, out: () => out, err: () => err };
}
