import { createServer } from 'node:net';

/** Asks the kernel for a free TCP port on 127.0.0.1 (a small race remains: callers retry on EADDRINUSE). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('Could not get a free port on 127.0.0.1; check loopback networking.'))));
    });
  });
}
