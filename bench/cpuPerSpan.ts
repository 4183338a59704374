import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceEngine } from '../src/core/engine/traceEngine';
import { TracePersistence } from '../src/core/store/tracePersistence';
import { fillLongHistory, fillSessions } from './support/storeFill';

// CPU per stored span of the two store workloads, through the API every version of the engine has.
async function main(): Promise<void> {
  const [workload, countArg, sizeArg] = process.argv.slice(2);
  const dir = mkdtempSync(join(tmpdir(), 'loupe-cpu-'));
  try {
    const engine = await TraceEngine.open({ persistence: new TracePersistence(dir), maxTraces: 100_000, maxBytes: 2 ** 40 });
    const cost =
      workload === 'sessions'
        ? await fillSessions(engine, Number(countArg), Number(sizeArg))
        : await fillLongHistory(engine, Number(countArg), Number(sizeArg));
    await engine.close();
    const rss = process.memoryUsage().rss;
    console.log(JSON.stringify({ workload, ...cost, cpuUsPerSpan: (cost.cpuMs * 1000) / cost.spans, rssMB: rss / 2 ** 20 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
void main();
