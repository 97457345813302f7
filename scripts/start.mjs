// `npm start`: the whole product on one machine. Installs dependencies on first run, builds the
// PWA, and starts the sync-server (embedded CouchDB-compatible store in ./data unless COUCHDB_URL
// is set) serving the app on http://localhost:8080 (PORT to change it).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildApp, ensureDependencies, log, root } from './lib.mjs';

ensureDependencies();
if (process.env.SKIP_BUILD !== '1') buildApp();
log('Starting the sync-server…');
const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'sync-server', 'src', 'main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
// Forward signals so the server closes its connections and store cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
// `npm start` runs this under `sh -c`, which does not pass a SIGTERM sent to npm on: when the
// shell is gone (this process is handed to another parent), stop the server as if told to.
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphaned);
  server.kill('SIGTERM');
}, 1000).unref();
