/**
 * Child process for the content crash test: an engine with a store folder takes growing
 * conversations with large messages, flushing often, until it is killed.
 * Usage: node --import tsx contentCrashWriter.ts STORE_DIR FIRST_TRACE_INDEX
 * After each flush that succeeded it prints one line: {"flushed": {"<traceIndex>": <calls>}}.
 */
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { conversationSpan } from './contentCrashData';

async function main(): Promise<void> {
  const [dir, firstArg] = process.argv.slice(2);
  const persistence = new TracePersistence(dir, { flushDelayMs: 1, maxFlushDelayMs: 5 });
  const engine = await TraceEngine.open({ persistence, maxTraces: 10_000 });
  const calls = new Map<number, number>();
  for (let trace = Number(firstArg); ; trace++) {
    for (let call = 0; call < 6; call++) {
      engine.ingestTraces({
        resourceSpans: [
          { resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'crash' }, spans: [conversationSpan(trace, call)] }] },
        ],
      });
      calls.set(trace, call + 1);
      await engine.flush();
      if (persistence.lastError === undefined) process.stdout.write(JSON.stringify({ flushed: Object.fromEntries(calls) }) + '\n');
    }
  }
}

void main();
