import { readFileSync, writeFileSync } from 'node:fs';
import { LoupeRuntime } from '../../src/core/host/loupeRuntime';

// Run in a fresh process: a runtime with a store, receiving one large OTLP request from the
// parent. Args: STORE_DIR. Sends {httpPort} when listening; on "measure", the peak resident
// memory reached since, over the memory before the request. On Linux the kernel's own peak
// (VmHWM) is reset just before the request, so a peak inside a synchronous step is seen too, and
// the process's start (loading the code) does not count.
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
  const kernelPeak = resetKernelPeak();
  let peak = before;
  // maxRSS covers the process's whole life; sampling gives the peak since the request began.
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  process.send!({ httpPort: status.http.state === 'listening' ? status.http.port : 0 });
  process.on('message', async () => {
    await runtime.engine.flush();
    peak = Math.max(peak, process.memoryUsage().rss);
    clearInterval(sampler);
    const stats = await runtime.engine.stats();
    process.send!({
      before,
      peak,
      spans: stats.spans,
      maxRssBytes: kernelPeak ? kernelPeakBytes() : process.resourceUsage().maxRSS * 1024,
    });
    await runtime.close();
    process.exit(0);
  });
}

void main();

/** Resets the kernel's record of this process's peak resident memory; false where that is not possible. */
function resetKernelPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return kernelPeakBytes() > 0;
  } catch {
    return false;
  }
}

function kernelPeakBytes(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}
