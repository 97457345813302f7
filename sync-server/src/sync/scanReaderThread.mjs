// The scan reader's thread starts here: plain JavaScript, so that it loads the same way under
// `node --import tsx` (the server) and under the test runner, then runs the TypeScript entry
// (`scanReaderWorker.ts`) through tsx's own loader (as the embedded store's thread does).
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
