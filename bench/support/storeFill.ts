import type { TraceEngine } from '../../src/core/engine/traceEngine';
import { llmTrace } from '../genaiBench';
import { randomTraceId } from './requestTemplate';
import { requestOf, storedTraceWithId } from './storedTraces';
import { SessionGenerator, sessionRequest } from './sessionGenerator';

/** What storing a workload cost this process. */
export interface FillCost {
  spans: number;
  /** CPU time of this process (the engine's thread and its GC helpers) spent ingesting and storing. */
  cpuMs: number;
  /** CPU time spent generating the workload, not counted in `cpuMs`. */
  generateMs: number;
  wallMs: number;
  /** UTF-8 bytes of the distinct message texts (heavy sessions). */
  distinctBytes: number;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Long history: `traces` traces of `spansPerTrace` real captured LLM spans, flushed every 100 traces. */
export async function fillLongHistory(engine: TraceEngine, traces: number, spansPerTrace: number): Promise<FillCost> {
  const template = llmTrace(spansPerTrace);
  const startedWall = performance.now();
  let generateMs = 0;
  const started = cpuMs();
  for (let n = 0; n < traces; n++) {
    const g = cpuMs();
    const request = requestOf(storedTraceWithId(template, randomTraceId(), 0));
    generateMs += cpuMs() - g;
    engine.ingestTraces(request);
    if (n % 100 === 99) await engine.flush();
  }
  await engine.flush();
  return {
    spans: traces * spansPerTrace,
    cpuMs: cpuMs() - started - generateMs,
    generateMs,
    wallMs: performance.now() - startedWall,
    distinctBytes: 0,
  };
}

/** Heavy sessions: `sessions` traces of `calls` model calls each resending the conversation, flushed every 10 calls. */
export async function fillSessions(engine: TraceEngine, sessions: number, calls: number, first = 0): Promise<FillCost> {
  const startedWall = performance.now();
  let generateMs = 0;
  let distinctBytes = 0;
  const started = cpuMs();
  for (let s = first; s < first + sessions; s++) {
    const generator = new SessionGenerator(s);
    for (let c = 0; c < calls; c++) {
      const g = cpuMs();
      const request = sessionRequest([generator.nextSpan()]);
      generateMs += cpuMs() - g;
      engine.ingestTraces(request);
      if (c % 10 === 9) await engine.flush();
    }
    distinctBytes += generator.distinctBytes;
  }
  await engine.flush();
  return {
    spans: sessions * calls,
    cpuMs: cpuMs() - started - generateMs,
    generateMs,
    wallMs: performance.now() - startedWall,
    distinctBytes,
  };
}
