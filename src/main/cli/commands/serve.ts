/**
 * `berth serve [--port N] [--open]`: the web shell, until Ctrl-C or SIGTERM. The printed link logs
 * in one browser once; `--open` opens the browser through a launch page, never with the token on a
 * command line.
 */
import { createService } from '../../service/create-service';
import { startWebServer } from '../../web/server';
import { parseArgs } from '../args';
import { line, UsageError, type CliIo } from '../io';

/** Runs the web shell over `rendererDir` (the built renderer next to the bundle). */
export async function runServe(argv: string[], io: CliIo, rendererDir: string): Promise<number> {
  const args = parseArgs(argv, { booleans: ['open'], values: ['port'] });
  if (args.positionals.length) throw new UsageError(`serve takes no arguments, got ${args.positionals.join(' ')}`);
  const port = args.flags.port === undefined ? 0 : Number(args.flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got ${String(args.flags.port)}`);
  // Signal handlers go in before the URL is printed: whoever reads it may stop us at once.
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Outside Electron there is no keychain: passwords go to a file only this user can read.
  const service = await createService();
  let server;
  try {
    server = await startWebServer({ port, service, rendererDir, open: args.flags.open === true });
  } catch (err) {
    stop();
    await service.close();
    throw err;
  }
  line(io.stdout, `Berth is at ${server.url}`);
  line(io.stdout, `That link logs in one browser, once${args.flags.open === true ? ' (the browser opened now got a link of its own)' : ''}; restart berth serve for a new one.`);
  line(io.stdout, `Saved registries and passwords (file mode 0600) are in ${service.dataDir}; BERTH_DATA_DIR changes that.`);
  await stopped;
  await server.close();
  await service.close();
  return 0;
}
