import { WorkerLoupe } from '../../src/core/host/workerLoupe';

// Bundled and run by plain `node` (no tsx loader hooks, which a worker would inherit), as the
// extension host starts the engine thread: time from start to a loaded store.
const [enginePath, storeDir, maxTraces] = process.argv.slice(2);

async function main(): Promise<void> {
  const started = performance.now();
  const loupe = await WorkerLoupe.start(enginePath, {
    host: '127.0.0.1',
    grpcPort: 0,
    httpPort: 0,
    storeDir,
    version: 'bench',
    maxTraces: Number(maxTraces ?? 100_000),
    maxBytes: 2 ** 40,
  });
  const readyMs = performance.now() - started;
  const stats = await loupe.stats();
  await loupe.close();
  process.send!({ readyMs, traces: stats.traces, spans: stats.spans });
}

void main();
