// Serves one PGlite database (PostgreSQL in WebAssembly, pgvector loaded) over the Postgres wire protocol on 127.0.0.1.
//   node .cache/pglite/server.mjs [--port 0] [--data <dir>] [--no-vector]
// Prints "pglite listening 127.0.0.1:<port>" once clients may connect, and stops cleanly on SIGTERM / SIGINT or when
// stdin closes (so a test process that dies never leaves a server behind). PGlite runs one connection at a time:
// clients should use a pool of one.
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
};
const port = Number.parseInt(option('--port') ?? '0', 10);
const dataDir = option('--data');
const withVector = !args.includes('--no-vector');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`pglite: --port must be 0..65535, got '${option('--port')}'`);
  process.exit(2);
}

const db = await PGlite.create(dataDir ?? 'memory://', withVector ? { extensions: { vector } } : {});
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 1 });
server.addEventListener?.('error', (e) => console.error(`pglite: ${e?.detail ?? e}`));
await server.start();
const address = server.server?.address?.();
const bound = address && typeof address === 'object' ? address.port : port;
console.log(`pglite listening 127.0.0.1:${bound}`);

let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  try { await server.stop(); } catch { /* already closed */ }
  try { await db.close(); } catch { /* already closed */ }
  process.exit(code);
};
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
process.stdin.on('end', () => stop(0));
process.stdin.resume();
