/**
 * Child process for the crash-safety test: writes growing traces in a loop until it is killed.
 * Usage: node --import tsx crashWriterProcess.ts STORE_DIR FIRST_TRACE_INDEX
 * After each explicit flush that succeeded it prints one line: {"flushed": {"<index>": <spanCount>}}.
 */
import type { StoredTrace } from '../../src/model/storedTrace';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { CRASH_PROMPT_BYTES, growSampleTrace, sampleTrace } from '../unit/store/sampleTraces';
const ACTIVE_TRACES = 4;
const MAX_SPANS = 120;

async function main(): Promise<void> {
  const [dir, firstArg] = process.argv.slice(2);
  const persistence = new TracePersistence(dir, { flushDelayMs: 1, maxFlushDelayMs: 5 });
  await persistence.load();
  const active = new Map<number, StoredTrace>();
  let nextIndex = Number(firstArg);
  for (let iteration = 0; ; iteration++) {
    if (iteration % 6 === 0) {
      active.set(nextIndex, sampleTrace(nextIndex, 1, CRASH_PROMPT_BYTES));
      nextIndex++;
      persistence.updateMeta({ nextSeq: nextIndex + 1 });
    }
    for (const [index, trace] of [...active].slice(-ACTIVE_TRACES)) {
      if (trace.spans.length < MAX_SPANS) growSampleTrace(trace, index, CRASH_PROMPT_BYTES);
      persistence.markDirty(trace);
    }
    if (iteration % 10 === 9) {
      const counts = Object.fromEntries([...active].map(([index, trace]) => [index, trace.spans.length]));
      await persistence.flush();
      if (persistence.lastError === undefined) process.stdout.write(JSON.stringify({ flushed: counts }) + '\n');
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

void main();
