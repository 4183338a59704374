/**
 * Child process for the content crash test: an engine with a store folder takes growing
 * conversations with large messages, flushing after each call, and is killed with SIGKILL
 * `KILL_DELAY_US` microseconds into its flush number `KILL_AT` (counted from 1), while the content
 * of the latest call is being written. A thread of its own sends the signal, so the moment does
 * not depend on how fast a loaded machine passes messages between processes.
 * Usage: node --import tsx contentCrashWriter.ts STORE_DIR FIRST_TRACE_INDEX KILL_AT KILL_DELAY_US
 * After each flush that succeeded it prints one line: {"flushed": {"<traceIndex>": <calls>}}.
 */
import { Worker } from 'node:worker_threads';
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { conversationSpan } from './contentCrashData';

const KILLER = `
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.flag);
Atomics.wait(flag, 0, 0);
const end = performance.now() + workerData.delayUs / 1000;
while (performance.now() < end);
process.kill(process.pid, 'SIGKILL');
`;

async function main(): Promise<void> {
  const [dir, firstArg, killAtArg, delayArg] = process.argv.slice(2);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const killer = new Worker(KILLER, { eval: true, workerData: { flag: flag.buffer, delayUs: Number(delayArg) } });
  killer.unref();
  await new Promise((resolve) => setTimeout(resolve, 200)); // the killer thread is up and waiting
  const persistence = new TracePersistence(dir, { flushDelayMs: 1, maxFlushDelayMs: 5 });
  const engine = await TraceEngine.open({ persistence, maxTraces: 10_000 });
  const calls = new Map<number, number>();
  let flushes = 0;
  for (let trace = Number(firstArg); ; trace++) {
    for (let call = 0; call < 6; call++) {
      const request = {
        resourceSpans: [
          { resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'crash' }, spans: [conversationSpan(trace, call)] }] },
        ],
      };
      engine.ingestTraces(request);
      engine.listTracesNow(); // assembled now, so the flush below starts with the writes
      calls.set(trace, call + 1);
      if (++flushes === Number(killAtArg)) {
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
      }
      await engine.flush();
      if (persistence.lastError === undefined) process.stdout.write(JSON.stringify({ flushed: Object.fromEntries(calls) }) + '\n');
    }
  }
}

void main();
