import { TraceEngine } from '../../src/core/engine/traceEngine';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { PriceBook } from '../../src/core/genai/pricing';

// Run in a fresh process: startup cost of loading a store, and the memory the loaded store holds.
const dir = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

async function main(): Promise<void> {
  new PriceBook(); // the price data is loaded with the module, not per store
  gc!();
  const before = process.memoryUsage();
  const started = performance.now();
  const engine = await TraceEngine.open({ persistence: new TracePersistence(dir), maxBytes: 4 * 2 ** 30, maxTraces: 100_000 });
  const openMs = performance.now() - started;
  const stats = await engine.stats();
  gc!();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc!();
  const after = process.memoryUsage();
  process.send!({
    openMs,
    traces: stats.traces,
    spans: stats.spans,
    rssBytes: after.rss - before.rss,
    heapBytes: after.heapUsed - before.heapUsed,
    externalBytes: after.external - before.external,
  });
  await engine.close();
}

void main();
