import { TraceEngine } from '../../src/core/engine/traceEngine';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { PriceBook } from '../../src/core/genai/pricing';
import { median } from '../support/stats';

// Run in a fresh process on a filled store: start, memory, and how fast views answer from it.
// Args: STORE_DIR VIEWS (how many random traces to open). Sends one HistoryProbeResult.
const [dir, viewsArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

export interface HistoryProbeResult {
  openMs: number;
  traces: number;
  spans: number;
  /** Resident memory of this process with the store open, and its growth over the process before opening. */
  rssBytes: number;
  rssGrowthBytes: number;
  listNewest100Ms: number;
  /** Opening a trace not in memory: its waterfall (columns, as the trace view asks). */
  waterfallMedianMs: number;
  waterfallMaxMs: number;
  /** A model call's full detail (messages resolved), on a trace not in memory. */
  spanMedianMs: number;
  spanMaxMs: number;
  /** Messages in the last span read (a check that the whole conversation came back). */
  lastSpanMessages: number;
  /** Listing sessions (the Sessions page), from a start with no body in memory. */
  listSessionsMs: number;
  /** The same list asked again, nothing changed (the page refreshing). */
  listSessionsAgainMs: number;
  sessions: number;
}

/** A few distinct random picks. */
function pick<T>(items: readonly T[], n: number): T[] {
  const copy = [...items];
  const out: T[] = [];
  while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(Math.random() * copy.length), 1)[0]);
  return out;
}

async function main(): Promise<void> {
  new PriceBook(); // the price data is loaded with the module, not per store
  gc!();
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const engine = await TraceEngine.open({ persistence: new TracePersistence(dir), maxBytes: 2 ** 40, maxTraces: 100_000 });
  const openMs = performance.now() - started;
  const stats = await engine.stats();
  gc!();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc!();
  const rss = process.memoryUsage().rss;

  const sessionsStarted = performance.now();
  const sessionList = await engine.listSessions();
  const listSessionsMs = performance.now() - sessionsStarted;
  const againStarted = performance.now();
  await engine.listSessions();
  const listSessionsAgainMs = performance.now() - againStarted;
  const lists: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await engine.listTraces({ limit: 100 });
    lists.push(performance.now() - t);
  }
  const all = await engine.listTraces({ limit: 1_000_000 });
  const views = Number(viewsArg ?? 20);
  const [forSpans, forWaterfalls] = [pick(all, views), pick(all, views)];
  // The last span of some traces, learned first; opening the other traces afterwards (more than
  // the engine keeps in memory) lets these go again, so each span read below starts from disk.
  const lastSpans: { traceId: string; spanId: string }[] = [];
  for (const summary of forSpans) {
    const rows = JSON.parse((await engine.waterfallColumns(summary.traceId))!) as { spanId: string[] };
    lastSpans.push({ traceId: summary.traceId, spanId: rows.spanId[rows.spanId.length - 1] });
  }
  const waterfalls: number[] = [];
  for (const summary of forWaterfalls) {
    const t = performance.now();
    await engine.waterfallColumns(summary.traceId);
    waterfalls.push(performance.now() - t);
  }
  await engine.flush();
  const spans: number[] = [];
  let lastSpanMessages = 0;
  for (const { traceId, spanId } of lastSpans) {
    const t = performance.now();
    const span = await engine.span(traceId, spanId);
    spans.push(performance.now() - t);
    lastSpanMessages = (span?.messages.input.length ?? 0) + (span?.messages.output.length ?? 0);
  }
  const result: HistoryProbeResult = {
    openMs,
    traces: stats.traces,
    spans: stats.spans,
    rssBytes: rss,
    rssGrowthBytes: rss - before,
    listNewest100Ms: median(lists),
    waterfallMedianMs: median(waterfalls),
    waterfallMaxMs: Math.max(...waterfalls),
    spanMedianMs: median(spans),
    spanMaxMs: Math.max(...spans),
    lastSpanMessages,
    listSessionsMs,
    listSessionsAgainMs,
    sessions: sessionList.length,
  };
  process.send!(result);
  await engine.close();
}

void main();
