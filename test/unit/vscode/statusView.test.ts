import * as assert from 'node:assert/strict';
import type { ConnectionState } from '../../../src/vscode/engine/engineConnection';
import { costSince, startOfToday, statusView } from '../../../src/vscode/model/statusView';
import type { TraceSummary } from '../../../src/model/traceTypes';
import { FORWARDING_STATUS_OFF } from '../../../src/model/continuousForwarding';

const STATS = { traces: 12, spans: 340, bytes: 0, evictedTraces: 0, evictedSpans: 0, droppedSpans: 0, rejectedSpans: 0 };
const listening = (grpc: number, http: number): ConnectionState => ({
  role: 'owner',
  receiver: { host: '127.0.0.1', grpc: { state: 'listening', port: grpc }, http: { state: 'listening', port: http } },
});

describe('status bar view', () => {
  it('shows the owner listening with counts, today’s cost and the endpoint injection', () => {
    const view = statusView({
      state: listening(4317, 4318),
      host: '127.0.0.1',
      stats: STATS,
      todayCostUsd: 0.4213,
      injectingEndpoint: true,
    });
    assert.equal(view.text, '$(radio-tower) Loupe 12 traces · 340 spans · $0.421 today $(terminal)');
    assert.equal(view.receiverState, 'listening');
    assert.equal(view.severity, 'normal');
    assert.ok(view.tooltipLines.includes('OTLP/gRPC on 127.0.0.1:4317'));
    assert.ok(view.tooltipLines.includes('OTLP/HTTP and the trace API on http://127.0.0.1:4318'));
    assert.ok(view.tooltipLines.some((line) => line.includes('OTEL_EXPORTER_OTLP_ENDPOINT')));
  });

  it('takes the colour of the worst budget level reached, and says which', () => {
    const crossing = (scope: 'daily' | 'monthly', level: 'warning' | 'critical') => ({
      budget: { name: scope, scope, limitUsd: 5, spentUsd: 4.5, level, warningPercent: 80, criticalPercent: 100, period: '2026-12' },
      level,
      message: `${scope} ${level}`,
    });
    const base = { state: listening(4317, 4318), host: '127.0.0.1', stats: STATS, todayCostUsd: 0, injectingEndpoint: false };
    const warned = statusView({ ...base, budgetCrossings: [crossing('daily', 'warning')] });
    assert.equal(warned.severity, 'warning');
    assert.equal(warned.tooltipLines[0], 'daily warning');
    const critical = statusView({ ...base, budgetCrossings: [crossing('daily', 'warning'), crossing('monthly', 'critical')] });
    assert.equal(critical.severity, 'error');
    assert.match(critical.text, /\$\(error\)$/);
    assert.equal(statusView(base).severity, 'normal');
  });

  it('warns while the receiver listens beyond loopback', () => {
    const view = statusView({ state: listening(4317, 4318), host: '0.0.0.0', stats: STATS, todayCostUsd: 0, injectingEndpoint: false });
    assert.equal(view.severity, 'warning');
    assert.match(view.text, /^\$\(warning\) Loupe/);
    assert.match(view.tooltipLines[0], /Listening on 0\.0\.0\.0: other machines on the network can send traces and read yours/);
  });

  it('turns red on a busy port and names it, with the message that says the way out', () => {
    const message =
      'Port 4318 is already in use by another program. Stop it, or set loupe.receiver.httpPort (CLI: --http-port) to another port; 0 picks a free one.';
    const view = statusView({
      state: {
        role: 'owner',
        receiver: {
          host: '127.0.0.1',
          grpc: { state: 'listening', port: 4317 },
          http: { state: 'failed', message, name: 'PortUnavailableError', port: 4318, failure: 'in-use' },
        },
      },
      host: '127.0.0.1',
      todayCostUsd: 0,
      injectingEndpoint: false,
    });
    assert.equal(view.text, '$(error) Loupe: port 4318 unavailable');
    assert.equal(view.severity, 'error');
    assert.equal(view.receiverState, 'failed');
    assert.equal(view.tooltipLines[0], message);
  });

  it('tells stopped, joined, lost and waiting apart', () => {
    const stopped = statusView({
      state: { role: 'owner', receiver: { host: '127.0.0.1', grpc: { state: 'stopped' }, http: { state: 'stopped' } } },
      host: '127.0.0.1',
      stats: STATS,
      todayCostUsd: 0,
      injectingEndpoint: false,
    });
    assert.equal(stopped.text, '$(debug-pause) Loupe stopped 12 traces · 340 spans');
    assert.equal(stopped.receiverState, 'stopped');
    const health = {
      status: 'ok' as const,
      version: '1',
      grpcPort: 4317,
      httpPort: 4318,
      traces: 1,
      spans: 2,
      product: 'loupe' as const,
      pid: 4242,
    };
    const joined = statusView({
      state: { role: 'joined', baseUrl: 'http://127.0.0.1:4318', health, streamLost: false },
      host: '127.0.0.1',
      todayCostUsd: 0,
      injectingEndpoint: false,
    });
    assert.equal(joined.text, '$(plug) Loupe (joined)');
    assert.match(joined.tooltipLines[0], /process 4242.*takes over when it closes/);
    const lost = statusView({
      state: { role: 'joined', baseUrl: 'http://127.0.0.1:4318', health, streamLost: true },
      host: '127.0.0.1',
      todayCostUsd: 0,
      injectingEndpoint: false,
    });
    assert.equal(lost.severity, 'warning');
    const waiting = statusView({
      state: { role: 'waiting', message: 'Another VS Code window keeps…' },
      host: '127.0.0.1',
      todayCostUsd: 0,
      injectingEndpoint: false,
    });
    assert.equal(waiting.text, '$(watch) Loupe (waiting)');
    const storeDown = statusView({
      state: listening(1, 2),
      host: '127.0.0.1',
      todayCostUsd: 0,
      injectingEndpoint: false,
      storeProblem: 'disk full',
    });
    assert.equal(storeDown.severity, 'warning');
    assert.ok(storeDown.tooltipLines.some((line) => line.includes('memory only: disk full')));
  });

  it('tells continuous forwarding in the tooltip, and warns only while spans are lost', () => {
    const base = { state: listening(4317, 4318), host: '127.0.0.1', stats: STATS, todayCostUsd: 0, injectingEndpoint: false, now: 0 };
    const status = {
      ...FORWARDING_STATUS_OFF,
      endpoint: 'http://collector:4318',
      protocol: 'http/protobuf' as const,
      forwardedSpans: 1200,
    };
    assert.ok(!statusView({ ...base, forwarding: FORWARDING_STATUS_OFF }).tooltipLines.some((l) => /orwarding/.test(l)));
    const ok = statusView({ ...base, forwarding: { ...status, state: 'ok' } });
    assert.equal(ok.severity, 'normal');
    assert.equal(ok.tooltipLines.at(-2), 'Forwarding every span to http://collector:4318 (http/protobuf): 1,200 spans sent.');
    assert.equal(ok.tooltipLines.at(-1), 'Click to show the traces.');
    const retrying = statusView({ ...base, forwarding: { ...status, state: 'retrying', queuedSpans: 40 } });
    assert.equal(retrying.severity, 'normal', 'nothing is lost yet');
    assert.match(retrying.tooltipLines.at(-2) ?? '', /is retrying: .*40 spans queued/);
    const dropping = statusView({
      ...base,
      forwarding: { ...status, state: 'dropping', dropReason: 'the queue is full', droppedSpans: 9 },
    });
    assert.equal(dropping.severity, 'warning');
    assert.match(dropping.tooltipLines.at(-2) ?? '', /losing spans: the queue is full; .*9 spans dropped/);
    const refused = statusView({ ...base, forwarding: { ...FORWARDING_STATUS_OFF, problem: "it is this Loupe's own OTLP receiver" } });
    assert.equal(refused.severity, 'warning');
    assert.ok(refused.tooltipLines.includes("Continuous forwarding is off: it is this Loupe's own OTLP receiver"));
  });

  it('adds up the cost of the traces that started today', () => {
    const now = new Date(2026, 10, 21, 15, 0).getTime();
    const midnight = startOfToday(now);
    assert.equal(new Date(midnight).getHours(), 0);
    const trace = (startTime: number, costUsd: number) => ({ startTime, costUsd }) as TraceSummary;
    assert.equal(costSince([trace(midnight - 1, 5), trace(midnight, 0.25), trace(now, 0.5)], midnight), 0.75);
  });
});
