import { TraceEngine, type StoreCloseReport } from '../engine/traceEngine';
import { TracePersistence } from '../store/tracePersistence';
import type { PersistenceError } from '../store/persistenceError';
import { GrpcReceiver } from '../receiver/grpcReceiver';
import { HttpServer } from './httpListener';
import { BytesInFlight, defaultBytesInFlight } from '../receiver/bytesInFlight';
import { MemoryReturner } from '../receiver/returnMemory';
import type { PriceOverride } from '../../model/priceOverride';
import { accessTokenPath, newAccessToken, readAccessToken, readOrCreateAccessToken } from './accessToken';
import type { AccessToken } from '../server/accessGate';
import { DailyHistory } from '../history/dailyHistory';
import { LoupeMetrics } from '../metrics/loupeMetrics';
import { BudgetMonitor } from '../budgets/budgetMonitor';
import type { Budget, BudgetCrossing } from '../../model/budgetTypes';
import { nanosToMs } from '../otlp/values';
import { ContinuousForwarder } from '../forward/continuousForwarder';
import type { ForwarderOptions } from '../forward/forwarderOptions';
import { reachesOwnReceiver } from '../forward/ownReceiver';
import {
  isForwardingOn,
  validateContinuousForwarding,
  type ContinuousForwarding,
  type ForwardingStatus,
} from '../../model/continuousForwarding';

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
  /** Continuous forwarding of every span received (off when absent or its endpoint is empty). */
  forwarding?: ContinuousForwarding;
  /** Batch, queue and retry bounds of continuous forwarding (defaults in FORWARDER_DEFAULTS). */
  forwarder?: Omit<ForwarderOptions, 'now' | 'random'>;
  /** Continuous forwarding changed state (`changed`), or failed another attempt (fresh counts). */
  onForwardingStatus?: (status: ForwardingStatus, changed: boolean) => void;
  /**
   * The access token when the caller has read it already (`loupe serve` prints it); otherwise it is
   * read from the store folder, or created there.
   */
  accessToken?: string;
}

/** What closing left undone: store changes not written, spans not forwarded. */
export interface RuntimeCloseReport extends StoreCloseReport {
  unforwardedSpans?: number;
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
  private forwardingConfig: ContinuousForwarding | undefined;
  /** Bumped by each forwarding change, so only the latest endpoint check applies. */
  private forwardingCheck = 0;

  private constructor(
    readonly engine: TraceEngine,
    readonly history: DailyHistory,
    readonly metrics: LoupeMetrics,
    readonly budgets: BudgetMonitor,
    readonly forwarder: ContinuousForwarder,
    private readonly options: RuntimeOptions,
    private readonly access: AccessToken,
  ) {
    this.status = { host: options.host, grpc: { state: 'stopped' }, http: { state: 'stopped' } };
    this.forwardingConfig = options.forwarding;
    // Clearing every trace frees most of the heap at once; an idle server would not collect it.
    this.unsubscribeClears = engine.subscribe((change) => {
      if (change.cleared) this.memoryReturner.schedule();
    });
  }

  static async open(options: RuntimeOptions): Promise<LoupeRuntime> {
    // The history, the budgets and the metrics read from each other and from the engine, opened in turn.
    const late: { engine?: TraceEngine; budgets?: BudgetMonitor } = {};
    const persistence = options.storeDir
      ? new TracePersistence(options.storeDir, {
          onError: (error: PersistenceError) => {
            options.onStoreError?.(error.message);
            // The views (tree, browser UI) show it from the stats every change event carries.
            late.engine?.storeStateChanged();
          },
          onRecovered: () => {
            options.onStoreRecovered?.();
            late.engine?.storeStateChanged();
          },
        })
      : undefined;
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
    const forwarder = new ContinuousForwarder(options.forwarder, options.onForwardingStatus);
    const metrics = new LoupeMetrics({
      cells: () => history.cells('0000-01-01', '9999-12-31').map(({ cell }) => cell),
      stats: () => engine.stats(),
      forwarding: () => forwarder.status(),
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
      forwardingStatus: () => forwarder.status(),
    });
    late.engine = engine;
    engine.loadProblems.push(...history.problems);
    budgets.setBudgets(options.budgets ?? []);
    const runtime = new LoupeRuntime(engine, history, metrics, budgets, forwarder, options, await accessTokenFor(options));
    await runtime.applyForwarding();
    return runtime;
  }

  /** The token the REST API, the event stream, `/metrics` and `/mcp` require. */
  get accessToken(): string {
    return this.access.token;
  }

  /** Turns continuous forwarding on (to this endpoint), or off; answers its status once the endpoint is checked. */
  async setForwarding(config: ContinuousForwarding | undefined): Promise<ForwardingStatus> {
    this.forwardingConfig = config;
    await this.applyForwarding();
    return this.forwarder.status();
  }

  /**
   * Configures the forwarder for the current setting: an invalid endpoint, or one that is this
   * Loupe's own receiver (every span would come back in), leaves it off with the reason in its
   * status. Spans received while the endpoint is checked are kept, and sent once it passes.
   */
  private async applyForwarding(): Promise<void> {
    const check = ++this.forwardingCheck;
    const config = this.forwardingConfig;
    const off = (problem?: string) => {
      this.engine.setSpanTap(undefined);
      this.forwarder.configure(undefined, { problem });
    };
    if (!isForwardingOn(config)) return off();
    const invalid = validateContinuousForwarding(config);
    if (invalid) return off(invalid);
    if (JSON.stringify(this.forwarder.current) !== JSON.stringify(config)) this.forwarder.configure(config, { hold: true });
    else this.forwarder.hold();
    this.engine.setSpanTap(this.forwarder.offer);
    // The ports bound; before the receivers listen, the ports they are to bind.
    const bound = [this.status.grpc, this.status.http].map(portOf);
    const ports = bound.some((port) => port !== null) ? bound : [this.options.grpcPort, this.options.httpPort];
    const loops = await reachesOwnReceiver(config.endpoint, { ports });
    if (check !== this.forwardingCheck) return;
    if (loops) {
      return off(
        `${config.endpoint.trim()} is this Loupe's own OTLP receiver, so every span would come back in and be sent again. Point it at another collector or backend.`,
      );
    }
    this.forwarder.release();
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
      access: this.access,
      version: this.options.version,
      metrics: () => this.metrics.render(),
      onRefused: this.options.onRefused,
      // Buffers of streams that never read live outside the small JS heap; without a collection an
      // idle server would keep them.
      stream: { onAllClientsGone: () => this.memoryReturner.schedule() },
    });
    // Nothing is forwarded until the endpoint is checked against the ports just bound.
    this.forwarder.hold();
    const [grpc, http] = await Promise.all([listen(this.grpc), listen(this.http)]);
    this.status = { host, grpc, http };
    this.engine.setPorts({ grpcPort: portOf(grpc), httpPort: portOf(http) });
    await this.applyForwarding();
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

  /** Stops listening, sends what waits to be forwarded (briefly) and writes everything pending to the store. */
  async close(): Promise<RuntimeCloseReport> {
    await this.stopReceivers();
    // Requests already answered are assembled (and so offered for forwarding) before forwarding stops.
    this.engine.assembleAccepted();
    this.engine.setSpanTap(undefined);
    const { unsent } = await this.forwarder.close();
    this.unsubscribeClears();
    this.memoryReturner.dispose();
    const report = await this.engine.close();
    return unsent > 0 ? { ...report, unforwardedSpans: unsent } : report;
  }
}

/**
 * Kept in the store folder so addresses, scrape configurations and joining windows keep working
 * across restarts. A store that cannot be written gets a token for this run only.
 */
async function accessTokenFor(options: RuntimeOptions): Promise<AccessToken> {
  const { storeDir } = options;
  if (!storeDir) return { token: options.accessToken ?? newAccessToken() };
  // Given by the caller: the file is named only if it holds that token (not when the store refused it).
  if (options.accessToken) {
    const kept = (await readAccessToken(storeDir)) === options.accessToken;
    return { token: options.accessToken, ...(kept ? { file: accessTokenPath(storeDir) } : {}) };
  }
  try {
    return { token: await readOrCreateAccessToken(storeDir), file: accessTokenPath(storeDir) };
  } catch {
    return { token: newAccessToken() };
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
