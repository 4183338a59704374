import type { FloodResult } from '../agent/agentProtocol';
import { AgentProcess } from '../support/agentProcess';
import { fmt, judge, ratio, type BenchRow, type BenchSection } from '../support/report';
import { startDiscard, startWorkerLoupe } from '../support/serversUnderTest';
import type { ContinuousForwarding, ForwardingStatus } from '../../src/model/continuousForwarding';
import { median } from '../support/stats';

const SPANS_PER_REQUEST = 512;
const CONCURRENCY = 4;
/** Longest wait for the forwarding queue to drain after the flood. */
const DRAIN_LIMIT_MS = 60_000;

interface Scenario {
  label: string;
  acceptedSpansPerSec: number;
  ackedSpans: number;
  cpuUsPerSpan: number;
  errors: number;
  forwarding: ForwardingStatus;
  drainMs: number;
  /** Spans delivered after the flood ended, while nothing else ran: forwarding's own pace. */
  drainedSpans: number;
}

/**
 * Item: continuous forwarding's cost to ingest. The same HTTP protobuf flood into Loupe (in its
 * worker thread, memory store) with forwarding off, on to a transport-only OTLP sink, and on to a
 * closed port (the target is down: every batch is queued and retried, the queue overflows).
 * Receiving must not slow down in either case; what the sink got shows how much forwarding keeps up.
 */
export async function benchForwarding(quick: boolean): Promise<BenchSection> {
  const agent = AgentProcess.start();
  const durationMs = quick ? 3_000 : 5_000;
  const sink = await startDiscard();
  try {
    await agent.call({ cmd: 'prepare', templates: [['protobuf', SPANS_PER_REQUEST]], exportSpans: 0 });
    const run = async (label: string, forwarding: ContinuousForwarding | undefined): Promise<Scenario> => {
      const loupe = await startWorkerLoupe({ noStore: true, forwarding });
      try {
        const before = process.cpuUsage();
        const result = await agent.call<FloodResult>({
          cmd: 'flood',
          transport: 'http',
          port: loupe.httpPort,
          format: 'protobuf',
          spansPerRequest: SPANS_PER_REQUEST,
          concurrency: CONCURRENCY,
          durationMs,
        });
        const cpu = process.cpuUsage(before);
        const drainStart = performance.now();
        let status = await loupe.loupe.forwardingStatus();
        const forwardedAtFloodEnd = status.forwardedSpans;
        // A target that is up takes what is queued; one that is down (failing since some time) keeps it queued.
        while (forwarding && status.downSince === undefined && status.queuedSpans > 0 && performance.now() - drainStart < DRAIN_LIMIT_MS) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          status = await loupe.loupe.forwardingStatus();
        }
        return {
          label,
          acceptedSpansPerSec: result.ackedSpans / (result.elapsedMs / 1000),
          ackedSpans: result.ackedSpans,
          cpuUsPerSpan: (cpu.user + cpu.system) / result.ackedSpans,
          errors: result.errors,
          forwarding: status,
          drainMs: performance.now() - drainStart,
          drainedSpans: status.forwardedSpans - forwardedAtFloodEnd,
        };
      } finally {
        await loupe.close();
      }
    };
    // Interleaved rounds and medians: the machine's load moves between runs of a few seconds.
    const rounds = quick ? 1 : 3;
    const scenarios: Record<'off' | 'up' | 'down', Scenario[]> = { off: [], up: [], down: [] };
    for (let round = 0; round < rounds; round++) {
      scenarios.off.push(await run('off', undefined));
      scenarios.up.push(await run('on, target up', { endpoint: `http://127.0.0.1:${sink.httpPort}`, protocol: 'http/protobuf' }));
      scenarios.down.push(await run('on, target down', { endpoint: 'http://127.0.0.1:9', protocol: 'http/protobuf' }));
    }
    const [off, on, down] = [scenarios.off, scenarios.up, scenarios.down].map(medianScenario);
    const received = await sink.counts();

    const rows: BenchRow[] = [
      {
        measure: 'forwarding off: accepted',
        value: `${fmt(off.acceptedSpansPerSec, 0)} spans/s`,
        status: off.errors > 0 ? 'failed' : 'info',
      },
      ...[on, down].map((s): BenchRow => ({
        measure: `forwarding ${s.label}: accepted`,
        value: `${fmt(s.acceptedSpansPerSec, 0)} spans/s`,
        baseline: `off ${fmt(off.acceptedSpansPerSec, 0)} spans/s`,
        ratio: ratio(s.acceptedSpansPerSec / off.acceptedSpansPerSec),
        target: '≥ 0.8× (receiving does not wait on the target)',
        status: s.errors > 0 ? 'failed' : judge(s.acceptedSpansPerSec / off.acceptedSpansPerSec, '>=', 0.8),
      })),
      ...[on, down].map((s): BenchRow => ({
        measure: `forwarding ${s.label}: CPU per span (Loupe + sink threads)`,
        value: `${fmt(s.cpuUsPerSpan, 1)} µs`,
        baseline: `off ${fmt(off.cpuUsPerSpan, 1)} µs`,
        ratio: ratio(s.cpuUsPerSpan / off.cpuUsPerSpan),
        status: 'info',
      })),
      {
        measure: 'forwarding on, target up: delivered',
        value: `${fmt(on.forwarding.forwardedSpans, 0)} of ${fmt(on.ackedSpans, 0)} spans (${fmt(on.forwarding.droppedSpans, 0)} dropped from a full queue)`,
        status: 'info',
      },
      {
        measure: 'forwarding on, target up: pace once receiving is idle',
        value: `${fmt(on.drainedSpans / (on.drainMs / 1000), 0)} spans/s (${fmt(on.drainedSpans, 0)} queued spans in ${fmt(on.drainMs / 1000, 1)} s)`,
        status: 'info',
      },
      {
        measure: 'forwarding on, target down: state',
        value: `${down.forwarding.state}, ${fmt(down.forwarding.queuedSpans, 0)} queued, ${fmt(down.forwarding.droppedSpans, 0)} dropped`,
        status: down.forwarding.state === 'dropping' || down.forwarding.state === 'retrying' ? 'info' : 'failed',
      },
    ];
    return {
      title: `Continuous forwarding (HTTP protobuf flood, ${CONCURRENCY} clients × ${SPANS_PER_REQUEST}-span requests, ${durationMs / 1000} s; Loupe in its worker thread; median of ${rounds} interleaved rounds)`,
      rows,
      figures: { rounds: scenarios, sinkRequests: received.requests, sinkBytes: received.bytes },
    };
  } finally {
    await sink.close();
    await agent.stop();
  }
}

/** The round with the median accepted rate, its CPU figure replaced by the median CPU figure. */
function medianScenario(rounds: Scenario[]): Scenario {
  const sorted = [...rounds].sort((a, b) => a.acceptedSpansPerSec - b.acceptedSpansPerSec);
  return { ...sorted[Math.floor(sorted.length / 2)], cpuUsPerSpan: median(rounds.map((r) => r.cpuUsPerSpan)) };
}
