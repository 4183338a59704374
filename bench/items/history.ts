import { fork } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { toProtobuf } from '../../test/hardening/otlpWire';
import { fmt, judge, ratio, type BenchSection } from '../support/report';
import { SessionGenerator, sessionRequest } from '../support/sessionGenerator';
import { MB } from '../support/stats';
import { fillLongHistory, fillSessions, type FillCost } from '../support/storeFill';
import type { HistoryProbeResult } from './historyProbe';
import { workerStartMs } from './store';

/** CPU per stored span of the same workloads with the first store layout (every value inline, all traces in memory), measured on this machine. */
const BEFORE_CPU_US_PER_SPAN = { history: 28.8, sessions: Number.NaN };

function forkProbe<T>(file: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, file), args, {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: T | undefined;
    child.on('message', (message: T) => (result = message));
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${file} exited with ${code}`))));
  });
}

/** Sum of the sizes of every file under `dir` (what the store holds), and the disk blocks they take. */
function storeSize(dir: string): { bytes: number; blocks: number } {
  let bytes = 0;
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const info = statSync(full);
      if (info.isDirectory()) walk(full);
      else bytes += info.size;
    }
  };
  walk(dir);
  const blocks = Number(execFileSync('du', ['-sB1', dir]).toString().split('\t')[0]);
  return { bytes, blocks };
}

async function openForFill(dir: string): Promise<TraceEngine> {
  return TraceEngine.open({ persistence: new TracePersistence(dir, { writeConcurrency: 8 }), maxTraces: 100_000, maxBytes: 2 ** 40 });
}

function cpuRow(label: string, cost: FillCost, before: number): BenchSection['rows'][number] {
  const perSpan = (cost.cpuMs * 1000) / cost.spans;
  return {
    measure: `CPU per stored span (${label}: ingest, content, trace files, index)`,
    value: `${fmt(perSpan, 1)} µs`,
    baseline: Number.isFinite(before) ? `first layout ${fmt(before, 1)} µs` : undefined,
    ratio: Number.isFinite(before) ? ratio(perSpan / before) : undefined,
    status: 'info',
  };
}

/** Long history: 10,000 traces × 50 real captured LLM spans. */
export async function benchLongHistory(quick: boolean): Promise<BenchSection> {
  const traces = quick ? 1000 : 10_000;
  const spans = 50;
  const dir = mkdtempSync(join(tmpdir(), 'loupe-bench-history-'));
  try {
    const engine = await openForFill(dir);
    const cost = await fillLongHistory(engine, traces, spans);
    await engine.close();
    const size = storeSize(dir);
    const readyMs = await workerStartMs(dir);
    const probe = await forkProbe<HistoryProbeResult>('historyProbe.ts', [dir, '20']);
    return {
      title: `11. Long history (${fmt(traces, 0)} traces × ${spans} real captured LLM spans, ${fmt(size.bytes / MB, 0)} MB stored)`,
      rows: [
        {
          measure: 'engine thread ready after a restart',
          value: `${fmt(readyMs, 0)} ms`,
          baseline: `index read alone ${fmt(probe.openMs, 0)} ms`,
          target: '≤ 1,000 ms',
          status: judge(readyMs, '<=', 1000),
        },
        {
          measure: 'engine resident memory with the store open',
          value: `${fmt(probe.rssBytes / MB, 0)} MB`,
          baseline: `growth on opening ${fmt(probe.rssGrowthBytes / MB, 0)} MB`,
          target: '≤ 250 MB',
          status: judge(probe.rssBytes / MB, '<=', 250),
        },
        {
          measure: 'list the newest 100',
          value: `${fmt(probe.listNewest100Ms, 1)} ms`,
          target: '≤ 50 ms',
          status: judge(probe.listNewest100Ms, '<=', 50),
        },
        {
          measure: 'open a trace’s waterfall (read from disk; median of 20)',
          value: `${fmt(probe.waterfallMedianMs, 1)} ms`,
          baseline: `slowest ${fmt(probe.waterfallMaxMs, 1)} ms`,
          target: '≤ 200 ms',
          status: judge(probe.waterfallMaxMs, '<=', 200),
        },
        {
          measure: 'list sessions (all these runs name one session)',
          value: `${fmt(probe.listSessionsMs, 0)} ms`,
          baseline: `${probe.sessions} session; asked again ${fmt(probe.listSessionsAgainMs, 0)} ms`,
          target: '—',
          status: 'info',
        },
        cpuRow('long history', cost, BEFORE_CPU_US_PER_SPAN.history),
      ],
      figures: { traces, spans, cost, size, readyMs, probe },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends `body` as one OTLP/HTTP protobuf request; resolves with the status. */
function post(port: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One request of a long session's calls, about `bytes` long, as a coding agent sends a long turn. */
function bigRequest(bytes: number): Buffer {
  const generator = new SessionGenerator(9_999);
  const spans = [];
  let size = 0;
  while (size < bytes) {
    const span = generator.nextSpan();
    size += span.attributes.reduce((n, kv) => n + (kv.value.stringValue?.length ?? 8), 200);
    spans.push(span);
  }
  return toProtobuf(sessionRequest(spans));
}

async function bigRequestPeak(bytes: number): Promise<{ requestBytes: number; status: number; growthBytes: number; spans: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-bench-bigrequest-'));
  let body: Buffer | undefined = bigRequest(bytes);
  const requestBytes = body.length;
  try {
    const child = fork(join(__dirname, 'bigRequestProbe.ts'), [dir], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const messages: unknown[] = [];
    const next = () =>
      new Promise<unknown>((resolve) => (messages.length > 0 ? resolve(messages.shift()) : child.once('message', resolve)));
    const { httpPort } = (await next()) as { httpPort: number };
    const status = await post(httpPort, body);
    body = undefined;
    child.send('measure');
    const result = (await next()) as { before: number; peak: number; maxRssBytes: number; spans: number };
    await new Promise((resolve) => child.once('exit', resolve));
    return { requestBytes, status, growthBytes: Math.max(result.peak, result.maxRssBytes) - result.before, spans: result.spans };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Heavy sessions: coding-agent sessions of 300 model calls, each resending the growing conversation. */
export async function benchHeavySessions(quick: boolean): Promise<BenchSection> {
  const sessions = Number(process.env.BENCH_SESSIONS ?? (quick ? 5 : 100));
  const calls = 300;
  const dir = mkdtempSync(join(tmpdir(), 'loupe-bench-sessions-'));
  try {
    const engine = await openForFill(dir);
    const cost = await fillSessions(engine, sessions, calls);
    const fillPeakRss = process.resourceUsage().maxRSS * 1024;
    await engine.close();
    const size = storeSize(dir);
    const readyMs = await workerStartMs(dir);
    const probe = await forkProbe<HistoryProbeResult>('historyProbe.ts', [dir, String(Math.min(20, sessions))]);
    const big = await bigRequestPeak(quick ? 50 * MB : 200 * MB);
    const diskRatio = size.bytes / cost.distinctBytes;
    const lastInput = new SessionGenerator(0);
    let lastInputBytes = 0;
    for (let c = 0; c < calls; c++)
      lastInputBytes = lastInput.nextSpan().attributes.find((kv) => kv.key === 'gen_ai.input.messages')!.value.stringValue!.length;
    const growth = big.growthBytes / big.requestBytes;
    return {
      title: `12. Heavy sessions (${sessions} sessions × ${calls} model calls, each resending the conversation: ${fmt(lastInputBytes / 1024, 0)} KB at the last call; ${fmt(cost.distinctBytes / MB, 0)} MB of distinct messages)`,
      rows: [
        {
          measure: 'store size on disk (sum of file sizes)',
          value: `${fmt(size.bytes / MB, 0)} MB`,
          baseline: `distinct content ${fmt(cost.distinctBytes / MB, 0)} MB; disk blocks ${fmt(size.blocks / MB, 0)} MB`,
          ratio: ratio(diskRatio),
          target: '≤ 1.5×',
          status: judge(diskRatio, '<=', 1.5),
        },
        {
          measure: 'engine resident memory with the store open',
          value: `${fmt(probe.rssBytes / MB, 0)} MB`,
          baseline: `peak while storing the sessions ${fmt(fillPeakRss / MB, 0)} MB (with the generator)`,
          target: '≤ 300 MB',
          status: judge(probe.rssBytes / MB, '<=', 300),
        },
        {
          measure: 'engine thread ready after a restart',
          value: `${fmt(readyMs, 0)} ms`,
          baseline: `index read alone ${fmt(probe.openMs, 0)} ms`,
          target: '≤ 1,000 ms',
          status: judge(readyMs, '<=', 1000),
        },
        {
          measure: 'a model call’s full messages (last call of a session, read from disk)',
          value: `${fmt(probe.spanMedianMs, 1)} ms`,
          baseline: `slowest ${fmt(probe.spanMaxMs, 1)} ms, ${probe.lastSpanMessages} messages`,
          target: '≤ 100 ms',
          status: judge(probe.spanMaxMs, '<=', 100),
        },
        {
          measure: `one ${fmt(big.requestBytes / MB, 0)} MB OTLP request: peak memory growth`,
          value: `${fmt(big.growthBytes / MB, 0)} MB`,
          baseline: `HTTP ${big.status}, ${big.spans} spans stored`,
          ratio: ratio(growth),
          target: '≤ 2×',
          status: big.status === 200 ? judge(growth, '<=', 2) : 'failed',
        },
        {
          measure: 'list sessions (the Sessions page, from a start)',
          value: `${fmt(probe.listSessionsMs, 0)} ms`,
          baseline: `${probe.sessions} sessions; asked again ${fmt(probe.listSessionsAgainMs, 0)} ms`,
          target: '—',
          status: 'info',
        },
        cpuRow('heavy sessions', cost, BEFORE_CPU_US_PER_SPAN.sessions),
      ],
      figures: { sessions, calls, cost, size, fillPeakRss, readyMs, probe, big, lastInputBytes },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
