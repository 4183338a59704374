import { LoupeRuntime } from '../../src/core/host/loupeRuntime';

// Run in a fresh process: a runtime with a store, receiving one large OTLP request from the
// parent. Args: STORE_DIR. Sends {httpPort} when listening; on "measure", the peak resident
// memory reached since, over the memory before the request.
const [storeDir] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

async function main(): Promise<void> {
  const runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir, version: 'bench' });
  const status = await runtime.startReceivers();
  gc!();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc!();
  const before = process.memoryUsage().rss;
  let peak = before;
  // maxRSS covers the process's whole life; sampling gives the peak since the request began.
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  process.send!({ httpPort: status.http.state === 'listening' ? status.http.port : 0 });
  process.on('message', async () => {
    await runtime.engine.flush();
    peak = Math.max(peak, process.memoryUsage().rss);
    clearInterval(sampler);
    const stats = await runtime.engine.stats();
    process.send!({ before, peak, spans: stats.spans, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
    await runtime.close();
    process.exit(0);
  });
}

void main();
