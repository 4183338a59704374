import { isLoopbackBind } from '../../model/hostNames';
import type { ConnectionState } from '../engine/engineConnection';
import type { StoreStats, TraceSummary } from '../../model/traceTypes';
import { formatCost, formatCount } from '../../model/formatValues';
import type { BudgetCrossing } from '../../model/budgetTypes';
import { describeForwarding, type ForwardingStatus } from '../../model/continuousForwarding';

export interface StatusInput {
  state: ConnectionState;
  host: string;
  stats?: StoreStats;
  todayCostUsd: number;
  injectingEndpoint: boolean;
  /** Set while the store cannot be written. */
  storeProblem?: string;
  /** Budget levels reached in the current period. */
  budgetCrossings?: readonly BudgetCrossing[];
  /** Continuous forwarding, as last reported. */
  forwarding?: ForwardingStatus;
  now?: number;
}

export interface StatusView {
  text: string;
  /** Plain sentences, one per line (shown as a Markdown tooltip by the host after escaping). */
  tooltipLines: string[];
  severity: 'normal' | 'warning' | 'error';
  /** `loupe.receiverState` context key: which of Start/Stop the view offers. */
  receiverState: 'listening' | 'stopped' | 'failed' | 'joined' | 'starting';
}

function counts(stats: StoreStats | undefined, todayCostUsd: number): string {
  if (!stats) return '';
  const cost = todayCostUsd > 0 ? ` · ${formatCost(todayCostUsd)} today` : '';
  return ` ${formatCount(stats.traces)} ${stats.traces === 1 ? 'trace' : 'traces'} · ${formatCount(stats.spans)} spans${cost}`;
}

const SEVERITY_RANK = { normal: 0, warning: 1, error: 2 } as const;

/** The status bar item: the connection's state, coloured by the worst budget level reached in its period. */
export function statusView(input: StatusInput): StatusView {
  const view = withForwarding(connectionView(input), input);
  const crossings = input.budgetCrossings ?? [];
  if (crossings.length === 0) return view;
  const budgetSeverity = crossings.some((c) => c.level === 'critical') ? 'error' : 'warning';
  return {
    ...view,
    text: `${view.text} $(${budgetSeverity === 'error' ? 'error' : 'warning'})`,
    tooltipLines: [...crossings.map((c) => c.message), ...view.tooltipLines],
    severity: SEVERITY_RANK[budgetSeverity] > SEVERITY_RANK[view.severity] ? budgetSeverity : view.severity,
  };
}

/**
 * Continuous forwarding's line in the tooltip when it is on (or was refused); spans being lost
 * colour the item as a warning, a target that is down and retried does not (nothing is lost yet).
 */
function withForwarding(view: StatusView, input: StatusInput): StatusView {
  const forwarding = input.forwarding;
  if (!forwarding || (forwarding.state === 'off' && !forwarding.problem)) return view;
  const line = describeForwarding(forwarding, input.now ?? Date.now());
  const lines = [...view.tooltipLines];
  // Before the closing "Click to show the traces."
  lines.splice(Math.max(0, lines.length - 1), 0, line);
  const dropping = forwarding.state === 'dropping' || (forwarding.state === 'off' && forwarding.problem !== undefined);
  return {
    ...view,
    tooltipLines: lines,
    severity: dropping && view.severity === 'normal' ? 'warning' : view.severity,
  };
}

/** What a glance at the connection should tell. */
function connectionView(input: StatusInput): StatusView {
  const { state } = input;
  const env = input.injectingEndpoint ? ' $(terminal)' : '';
  const envLine = input.injectingEndpoint
    ? ['New terminals and Node/Python debug sessions get OTEL_EXPORTER_OTLP_ENDPOINT pointing here.']
    : [];
  const store = input.storeProblem ? [`Traces are kept in memory only: ${input.storeProblem}`] : [];
  const tail = [...envLine, ...store, 'Click to show the traces.'];
  switch (state.role) {
    case 'connecting':
      return { text: '$(loading~spin) Loupe', tooltipLines: ['Loupe is starting.'], severity: 'normal', receiverState: 'starting' };
    case 'owner': {
      const { grpc, http } = state.receiver;
      const failed = [grpc, http].filter((l) => l.state === 'failed');
      if (failed.length > 0) {
        const ports = failed.map((l) => (l.state === 'failed' && l.port ? `port ${l.port}` : 'receiver')).join(', ');
        return {
          text: `$(error) Loupe: ${ports} unavailable${counts(input.stats, input.todayCostUsd)}`,
          tooltipLines: [...failed.map((l) => (l.state === 'failed' ? l.message : '')), ...listening(input.host, grpc, http), ...tail],
          severity: 'error',
          receiverState: 'failed',
        };
      }
      if (grpc.state === 'stopped' && http.state === 'stopped') {
        return {
          text: `$(debug-pause) Loupe stopped${counts(input.stats, input.todayCostUsd)}${env}`,
          tooltipLines: ['The receiver is stopped; stored traces stay readable. Run "Loupe: Start Receiver" to receive again.', ...tail],
          severity: input.storeProblem ? 'warning' : 'normal',
          receiverState: 'stopped',
        };
      }
      const exposed = !isLoopbackBind(input.host);
      return {
        text: `$(${exposed ? 'warning' : 'radio-tower'}) Loupe${counts(input.stats, input.todayCostUsd)}${env}`,
        tooltipLines: [
          ...(exposed
            ? [`Listening on ${input.host}: other machines on the network can send traces and read yours (prompts included).`]
            : []),
          ...listening(input.host, grpc, http),
          'This window owns the receiver and the trace store.',
          ...tail,
        ],
        severity: input.storeProblem || exposed ? 'warning' : 'normal',
        receiverState: 'listening',
      };
    }
    case 'joined': {
      const where = `${state.baseUrl} (process ${state.health.pid})`;
      return {
        text: `$(${state.streamLost ? 'debug-disconnect' : 'plug'}) Loupe (joined)${counts(input.stats, input.todayCostUsd)}${env}`,
        tooltipLines: [
          state.streamLost
            ? `Lost the connection to the Loupe at ${where}; taking over if it has closed.`
            : `Joined the Loupe of another window at ${where}: it owns the receiver (gRPC ${state.health.grpcPort ?? '—'}, HTTP ${state.health.httpPort ?? '—'}); this window shows the same traces, live, and takes over when it closes.`,
          ...tail,
        ],
        severity: state.streamLost ? 'warning' : 'normal',
        receiverState: 'joined',
      };
    }
    case 'waiting':
      return { text: '$(watch) Loupe (waiting)', tooltipLines: [state.message, ...tail], severity: 'warning', receiverState: 'joined' };
    case 'failed':
      return { text: '$(error) Loupe stopped', tooltipLines: [state.message, ...tail], severity: 'error', receiverState: 'failed' };
    case 'closed':
      return {
        text: '$(circle-slash) Loupe',
        tooltipLines: ['Loupe has shut down in this window.'],
        severity: 'normal',
        receiverState: 'stopped',
      };
  }
}

function listening(host: string, ...listeners: { state: string; port?: number }[]): string[] {
  const [grpc, http] = listeners;
  const lines: string[] = [];
  if (grpc.state === 'listening') lines.push(`OTLP/gRPC on ${host}:${grpc.port}`);
  if (http.state === 'listening')
    lines.push(`OTLP/HTTP and the trace API on http://${host.includes(':') ? `[${host}]` : host}:${http.port}`);
  return lines;
}

/** Cost of the traces that started since local midnight. */
export function costSince(summaries: Iterable<TraceSummary>, since: number): number {
  let total = 0;
  for (const summary of summaries) if (summary.startTime >= since) total += summary.costUsd;
  return total;
}

export function startOfToday(now: number): number {
  const date = new Date(now);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}
