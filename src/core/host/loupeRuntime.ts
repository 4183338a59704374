import { TraceEngine, type StoreCloseReport } from '../engine/traceEngine';
import { TracePersistence } from '../store/tracePersistence';
import type { PersistenceError } from '../store/persistenceError';
import { GrpcReceiver } from '../receiver/grpcReceiver';
import { HttpServer } from './httpListener';
import { BytesInFlight, defaultBytesInFlight } from '../receiver/bytesInFlight';
import { MemoryReturner } from '../receiver/returnMemory';
import type { PriceOverride } from '../../model/priceOverride';
import { newMcpToken, readOrCreateMcpToken } from './mcpToken';
import { DailyHistory } from '../history/dailyHistory';
import { LoupeMetrics } from '../metrics/loupeMetrics';
import { BudgetMonitor } from '../budgets/budgetMonitor';
import type { Budget, BudgetCrossing } from '../../model/budgetTypes';
import { nanosToMs } from '../otlp/values';

export interface RuntimeOptions {
  host: string;
  grpcPort: number;
  httpPort: number;
  /** Where traces are kept; without it they live in memory only. */
  storeDir?: string;
  maxTraces?: number;
  maxBytes?: number;
  /** Traces not added to for longer are evicted (`loupe.store.maxAgeDays`); default none. */
  maxAgeMs?: number;
  /** Largest OTLP request accepted; default 512 MiB (`DEFAULT_MAX_REQUEST_BYTES` of the runtime). */
  maxRequestBytes?: number;
  /** Longest attribute value kept whole (`loupe.limits.maxAttributeBytes`); default 64 KiB. */
  maxAttributeBytes?: number;
  /** Longest prompt or completion kept whole (`loupe.limits.maxMessageBytes`); default 16 MiB. */
  maxMessageBytes?: number;
  /** `loupe.redact` key patterns; default the built-in credential list. */
  redact?: readonly string[];
  /** The built web UI (dist/webview). */
  staticDir?: string;
  allowedOrigins?: readonly string[];
  pricing?: readonly PriceOverride[];
  version: string;
  /** The store could not write (read-only or full disk); traces are kept in memory meanwhile. */
  onStoreError?: (message: string) => void;
  onStoreRecovered?: () => void;
  /** Spending limits (`loupe.budgets`, `--budget`). */
  budgets?: readonly Budget[];
  /** Spend reached a budget's warning or critical level (once per level and period). */
  onBudgetCrossing?: (crossing: BudgetCrossing) => void;
  /** A receiver refused an export (why, as sent back to the exporter). */
  onRefused?: (detail: string) => void;
}

/**
 * Largest OTLP request the runtime's receivers accept unless told otherwise: a long coding-agent
 * turn is one request of a few hundred MB. The engine keeps its content once and writes it out as
 * it goes, so accepting one costs about its own size in memory, not several copies.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 512 * 1024 * 1024;

export type ListenerState = { state: 'stopped' } | { state: 'listening'; port: number } | { state: 'failed'; error: Error };

export interface ReceiverStatus {
  host: string;
  grpc: ListenerState;
  http: ListenerState;
}

/**
 * The whole Loupe engine as one object: the trace engine with its store, and the OTLP/gRPC and
 * OTLP/HTTP (+ REST API + UI) listeners. The listeners start and stop without touching stored
 * traces, so viewers keep working while the receiver is off. Used by `loupe serve` and by the
 * VS Code extension's engine thread.
 */
export class LoupeRuntime {
  private grpc: GrpcReceiver | undefined;
  private http: HttpServer | undefined;
  private status: ReceiverStatus;
  private readonly memoryReturner = new MemoryReturner();
  private readonly unsubscribeClears: () => void;

  private constructor(
    readonly engine: TraceEngine,
    readonly history: DailyHistory,
    readonly metrics: LoupeMetrics,
    readonly budgets: BudgetMonitor,
    private readonly options: RuntimeOptions,
    private readonly mcpToken: string,
  ) {
    this.status = { host: options.host, grpc: { state: 'stopped' }, http: { state: 'stopped' } };
    // Clearing every trace frees most of the heap at once; an idle server would not collect it.
    this.unsubscribeClears = engine.subscribe((change) => {
      if (change.cleared) this.memoryReturner.schedule();
    });
  }

  static async open(options: RuntimeOptions): Promise<LoupeRuntime> {
    const persistence = options.storeDir
      ? new TracePersistence(options.storeDir, {
          onError: (error: PersistenceError) => options.onStoreError?.(error.message),
          onRecovered: () => options.onStoreRecovered?.(),
        })
      : undefined;
    // The history, the budgets and the metrics read from each other and from the engine, opened in turn.
    const late: { engine?: TraceEngine; budgets?: BudgetMonitor } = {};
    // Beside the traces in the store folder; without a store it lasts as long as the process.
    const history = await DailyHistory.open({
      dir: options.storeDir,
      onError: (message) => options.onStoreError?.(message),
      onCounted: () => late.budgets?.check(),
    });
    const budgets = new BudgetMonitor(
      {
        history,
        runs: () => late.engine?.listTracesNow({ limit: Number.MAX_SAFE_INTEGER }) ?? [],
        now: Date.now,
      },
      (crossing) => options.onBudgetCrossing?.(crossing),
    );
    late.budgets = budgets;
    const metrics = new LoupeMetrics({
      cells: () => history.cells('0000-01-01', '9999-12-31').map(({ cell }) => cell),
      stats: () => engine.stats(),
    });
    const engine = await TraceEngine.open({
      maxTraces: options.maxTraces,
      maxBytes: options.maxBytes,
      maxAgeMs: options.maxAgeMs,
      pricing: options.pricing,
      ingest: { maxAttributeBytes: options.maxAttributeBytes, maxMessageBytes: options.maxMessageBytes, redact: options.redact },
      version: options.version,
      persistence,
      history,
      runBudgetUsd: () => budgets.runLimitUsd,
      budgetStatus: () => budgets.status(),
      onSpan: (facts, span) => metrics.observeSpan(facts, nanosToMs(span.endTimeUnixNano) - nanosToMs(span.startTimeUnixNano)),
    });
    late.engine = engine;
    engine.loadProblems.push(...history.problems);
    budgets.setBudgets(options.budgets ?? []);
    // Kept in the store folder so a coding agent's configured address survives restarts.
    const mcpToken = options.storeDir ? await readOrCreateMcpToken(options.storeDir).catch(() => newMcpToken()) : newMcpToken();
    return new LoupeRuntime(engine, history, metrics, budgets, options, mcpToken);
  }

  get receiverStatus(): ReceiverStatus {
    return { ...this.status };
  }

  /** Starts both listeners; a listener that cannot start is reported, the other keeps running. */
  async startReceivers(): Promise<ReceiverStatus> {
    await this.stopReceivers();
    const { host, grpcPort, httpPort } = this.options;
    // One bound on the bytes both receivers hold at once, so concurrent requests cannot fill memory.
    const bytesInFlight = new BytesInFlight(defaultBytesInFlight(), () => this.memoryReturner.schedule());
    this.grpc = new GrpcReceiver({
      sink: this.engine,
      host,
      port: grpcPort,
      maxReceiveBytes: this.options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      onRefused: this.options.onRefused,
      bytesInFlight,
    });
    this.http = new HttpServer({
      sink: this.engine,
      bytesInFlight,
      api: this.engine,
      host,
      port: httpPort,
      maxRequestBytes: this.options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      staticDir: this.options.staticDir,
      allowedOrigins: this.options.allowedOrigins,
      mcpToken: this.mcpToken,
      version: this.options.version,
      metrics: () => this.metrics.render(),
      onRefused: this.options.onRefused,
      // Buffers of streams that never read live outside the small JS heap; without a collection an
      // idle server would keep them.
      stream: { onAllClientsGone: () => this.memoryReturner.schedule() },
    });
    const [grpc, http] = await Promise.all([listen(this.grpc), listen(this.http)]);
    this.status = { host, grpc, http };
    this.engine.setPorts({ grpcPort: portOf(grpc), httpPort: portOf(http) });
    return this.receiverStatus;
  }

  async stopReceivers(): Promise<void> {
    const running = [this.grpc, this.http];
    this.grpc = undefined;
    this.http = undefined;
    await Promise.all(running.map((listener) => listener?.stop()));
    this.status = { host: this.options.host, grpc: { state: 'stopped' }, http: { state: 'stopped' } };
    this.engine.setPorts({ grpcPort: null, httpPort: null });
  }

  /** Stops listening and writes everything pending to the store. */
  async close(): Promise<StoreCloseReport> {
    await this.stopReceivers();
    this.unsubscribeClears();
    this.memoryReturner.dispose();
    return this.engine.close();
  }
}

function portOf(state: ListenerState): number | null {
  return state.state === 'listening' ? state.port : null;
}

async function listen(listener: { start(): Promise<number> }): Promise<ListenerState> {
  try {
    return { state: 'listening', port: await listener.start() };
  } catch (error) {
    return { state: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
  }
}
