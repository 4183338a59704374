import { HttpLoupe } from '../../core/host/httpLoupe';
import type { BudgetCrossing } from '../../model/budgetTypes';
import type { ForwardResult } from '../../model/forwardResult';
import type { ForwardTarget } from '../../model/forwardTarget';
import type { PriceOverride } from '../../model/priceOverride';
import type { ContinuousForwarding, ForwardingStatus } from '../../model/continuousForwarding';
import { readAccessToken } from '../../core/host/accessToken';
import { probeLoupe } from '../../core/host/probeLoupe';
import { WorkerLoupe } from '../../core/host/workerLoupe';
import type { SerializedReceiverStatus, WorkerRuntimeOptions } from '../../core/host/workerProtocol';
import type { LoupeApi, Unsubscribe } from '../../model/api';
import type { Health } from '../../model/traceTypes';
import type { LoupeEndpoint } from '../model/endpointEnv';
import { DelegatingLoupe } from './delegatingLoupe';
import { OwnerLock, readOwner } from './ownerLock';

export type ConnectionState =
  | { role: 'connecting' }
  /** This window runs the engine and owns the store; its receivers may be listening, stopped or failed. */
  | { role: 'owner'; receiver: SerializedReceiverStatus }
  /** This window shows the traces of another Loupe (another window, or `loupe serve`). */
  | { role: 'joined'; baseUrl: string; health: Health; streamLost: boolean }
  /** Another window owns the store but cannot be reached; this window retries. */
  | { role: 'waiting'; message: string }
  | { role: 'failed'; message: string }
  | { role: 'closed' };

export interface ConnectionOptions {
  /** The bundled engine thread (dist/engineWorker.js). */
  workerScript: string;
  engine: WorkerRuntimeOptions;
  /** Start the receivers when this window owns the engine. */
  autoStart: boolean;
  /** How often a waiting window looks for the owner again. Default 2 s. */
  retryMs?: number;
  onStoreError?: (message: string) => void;
  onStoreRecovered?: () => void;
  /** Spend reached a budget level (only in the window that runs the engine). */
  onBudgetCrossing?: (crossing: BudgetCrossing) => void;
  onRefused?: (message: string) => void;
  /** Continuous forwarding changed state (`changed`) or failed another attempt (only in the window that runs the engine). */
  onForwardingStatus?: (status: ForwardingStatus, changed: boolean) => void;
}

type Backend =
  | { kind: 'owner'; worker: WorkerLoupe; lock: OwnerLock | undefined }
  | { kind: 'joined'; client: HttpLoupe; baseUrl: string; token: string | undefined };

const PROBE_TIMEOUT_MS = 1_000;

function urlHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === '0.0.0.0' || bare === '') return '127.0.0.1';
  if (bare === '::') return '[::1]';
  return bare.includes(':') ? `[${bare}]` : bare;
}

/**
 * This window's way to the Loupe engine. The first window to open the store folder owns it: it
 * runs the engine thread and the receivers, and publishes its ports in the owner file. A window
 * that finds the store owned (or the HTTP port held by another Loupe) joins that Loupe over its
 * REST API and event stream, and takes over when the owner goes away. Only the owner writes.
 */
export class EngineConnection extends DelegatingLoupe {
  private backend: Backend | undefined;
  private current: ConnectionState = { role: 'connecting' };
  private queue: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private wantReceivers: boolean;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly resetListeners = new Set<() => void>();

  private constructor(private options: ConnectionOptions) {
    super();
    this.wantReceivers = options.autoStart;
  }

  /** Starts connecting at once; queries wait until the first attempt has settled. */
  static open(options: ConnectionOptions): EngineConnection {
    const connection = new EngineConnection(options);
    void connection.enqueue(() => connection.connect());
    return connection;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The store folder this window opens (shared by every window of this VS Code). */
  get storeDir(): string | undefined {
    return this.options.engine.storeDir;
  }

  onDidChangeState(listener: (state: ConnectionState) => void): Unsubscribe {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** The engine behind this connection changed: anything shown should be read again. */
  onDidReset(listener: () => void): Unsubscribe {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Resolves when nothing is being connected or switched. */
  async settled(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  /** Where agents on this machine reach the receiver that feeds this window, if one listens. */
  endpoint(): LoupeEndpoint | undefined {
    const state = this.current;
    if (state.role === 'owner' && state.receiver.http.state === 'listening') {
      return {
        host: this.options.engine.host,
        httpPort: state.receiver.http.port,
        grpcPort: state.receiver.grpc.state === 'listening' ? state.receiver.grpc.port : null,
      };
    }
    if (state.role === 'joined' && state.health.httpPort) {
      return { host: new URL(state.baseUrl).hostname, httpPort: state.health.httpPort, grpcPort: state.health.grpcPort };
    }
    return undefined;
  }

  startReceivers(): Promise<ConnectionState> {
    this.wantReceivers = true;
    return this.enqueue(async () => {
      const backend = this.backend;
      if (backend?.kind === 'owner') await this.startOwnedReceivers(backend);
      else if (!backend) await this.connect();
    }).then(() => this.current);
  }

  stopReceivers(): Promise<ConnectionState> {
    this.wantReceivers = false;
    return this.enqueue(async () => {
      const backend = this.backend;
      if (backend?.kind !== 'owner') return;
      const receiver = await backend.worker.stopReceivers();
      await backend.lock?.update({ host: this.options.engine.host, httpPort: null, grpcPort: null });
      this.setState({ role: 'owner', receiver });
    }).then(() => this.current);
  }

  /** New engine options: an owner restarts its engine thread with them (keeping the store), others keep them for later. */
  reconfigure(options: ConnectionOptions): Promise<void> {
    this.options = options;
    return this.enqueue(async () => {
      const backend = this.backend;
      if (backend?.kind !== 'owner') return;
      this.follow(undefined);
      this.backend = undefined;
      await backend.worker.close().catch(() => undefined);
      await this.own(backend.lock);
    });
  }

  async setPricing(overrides: readonly PriceOverride[]): Promise<void> {
    this.options = { ...this.options, engine: { ...this.options.engine, pricing: overrides } };
    if (this.backend?.kind === 'owner') await this.backend.worker.setPricing(overrides);
  }

  async setLimits(limits: { maxTraces?: number; maxBytes?: number; maxAgeMs?: number }): Promise<void> {
    this.options = { ...this.options, engine: { ...this.options.engine, ...limits } };
    if (this.backend?.kind === 'owner') await this.backend.worker.setLimits(limits);
  }

  /** Turns continuous forwarding on or off in this window's engine (a joined window keeps it for when it takes over). */
  async setForwarding(config: ContinuousForwarding | undefined): Promise<void> {
    this.options = { ...this.options, engine: { ...this.options.engine, forwarding: config } };
    if (this.backend?.kind === 'owner') await this.backend.worker.setForwarding(config);
  }

  /**
   * Forwards a stored trace from the engine that holds it (this window's thread, or the owner's over
   * HTTP). undefined when the trace is unknown. `signal` cancels a delivery of this window's engine;
   * a joined window stops waiting instead.
   */
  override forwardTrace = async (
    traceId: string,
    target: ForwardTarget,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ForwardResult | undefined> => {
    await this.settled();
    const backend = this.backend;
    if (backend?.kind === 'owner') return backend.worker.forwardTrace(traceId, target, options);
    const { signal, ...rest } = options;
    const delivery = (await this.engine()).forwardTrace(traceId, target, rest);
    if (!signal) return delivery;
    const cancelled = new Promise<ForwardResult>((resolve) => {
      const stop = () => resolve({ ok: false, error: { kind: 'cancelled', message: 'Forwarding was cancelled.' } } as ForwardResult);
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
    return Promise.race([delivery, cancelled]);
  };

  /** Stops the receivers, writes the store and gives the store folder up to other windows. */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    return this.enqueue(async () => {
      await this.dropBackend();
      this.setState({ role: 'closed' });
    });
  }

  protected async engine(): Promise<LoupeApi> {
    await this.settled();
    const backend = this.backend;
    if (backend?.kind === 'owner') return backend.worker;
    if (backend?.kind === 'joined') return backend.client;
    const state = this.current;
    throw new Error(state.role === 'waiting' || state.role === 'failed' ? state.message : 'Loupe is not running in this window.');
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step).catch((error: unknown) => {
      this.setState({ role: 'failed', message: `Loupe could not start: ${error instanceof Error ? error.message : String(error)}` });
    });
    this.queue = run;
    return run;
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }

  private fireReset(): void {
    for (const listener of [...this.resetListeners]) listener();
  }

  /** Own the store if free, else join its owner, else wait for it. */
  private async connect(): Promise<void> {
    if (this.closed || this.backend) return;
    clearTimeout(this.retryTimer);
    const { storeDir, host, httpPort } = this.options.engine;
    const lock = storeDir ? await OwnerLock.tryAcquire(storeDir, host) : undefined;
    if (!storeDir || lock) {
      await this.own(lock);
      return;
    }
    const owner = await readOwner(storeDir);
    // The owner of this store uses its token; another Loupe on the port names its own file, read if we may.
    const tokens = [await readAccessToken(storeDir)];
    const places = [
      owner?.httpPort ? { host: owner.host, port: owner.httpPort } : undefined,
      httpPort > 0 ? { host, port: httpPort } : undefined,
    ];
    for (const place of places) {
      if (!place) continue;
      const found = await probeLoupe(urlHost(place.host), place.port, { timeoutMs: PROBE_TIMEOUT_MS, tokens });
      if (found?.joinable) {
        this.join(`http://${urlHost(place.host)}:${place.port}`, found.health, found.token);
        return;
      }
    }
    this.setState({
      role: 'waiting',
      message: `Another VS Code window${owner ? ` (process ${owner.pid})` : ''} keeps Loupe's traces and its receiver is off. This window joins it once it receives again, or takes over when it closes.`,
    });
    this.retryTimer = setTimeout(() => void this.enqueue(() => this.connect()), this.options.retryMs ?? 2_000);
  }

  private async own(lock: OwnerLock | undefined): Promise<void> {
    let worker: WorkerLoupe;
    try {
      worker = await WorkerLoupe.start(this.options.workerScript, this.options.engine, {
        onStoreError: this.options.onStoreError,
        onStoreRecovered: this.options.onStoreRecovered,
        onBudgetCrossing: this.options.onBudgetCrossing,
        onRefused: this.options.onRefused,
        onForwardingStatus: this.options.onForwardingStatus,
        onCrash: (message) => void this.enqueue(() => this.afterCrash(worker, message)),
      });
    } catch (error) {
      await lock?.release();
      throw error;
    }
    const backend: Backend = { kind: 'owner', worker, lock };
    this.backend = backend;
    this.follow(worker);
    if (this.wantReceivers) await this.startOwnedReceivers(backend);
    else this.setState({ role: 'owner', receiver: await worker.stopReceivers() });
    this.fireReset();
  }

  private async startOwnedReceivers(backend: Extract<Backend, { kind: 'owner' }>): Promise<void> {
    const receiver = await backend.worker.startReceivers();
    const { host, httpPort } = this.options.engine;
    if (receiver.http.state === 'failed' && receiver.http.failure === 'in-use') {
      // The port may belong to another Loupe (`loupe serve`, a window with another store): show its traces.
      const found = await probeLoupe(urlHost(host), httpPort, { timeoutMs: PROBE_TIMEOUT_MS, tokens: [backend.worker.accessToken] });
      if (found?.joinable) {
        await this.dropBackend();
        this.join(`http://${urlHost(host)}:${httpPort}`, found.health, found.token);
        this.fireReset();
        return;
      }
      if (found) {
        const where = found.tokenFile ? ` (in ${found.tokenFile})` : '';
        receiver.http = {
          ...receiver.http,
          message: `${receiver.http.message} It is another Loupe, whose access token${where} this window cannot read.`,
        };
      }
    }
    const port = (state: SerializedReceiverStatus['http']): number | null => (state.state === 'listening' ? state.port : null);
    await backend.lock?.update({ host, httpPort: port(receiver.http), grpcPort: port(receiver.grpc) });
    this.setState({ role: 'owner', receiver });
  }

  private join(baseUrl: string, health: Health, token: string | undefined): void {
    const client: HttpLoupe = new HttpLoupe(baseUrl, { token, onStreamState: (stream) => this.onStream(client, stream) });
    this.backend = { kind: 'joined', client, baseUrl, token };
    this.follow(client);
    this.setState({ role: 'joined', baseUrl, health, streamLost: false });
    this.fireReset();
  }

  private onStream(client: HttpLoupe, stream: 'open' | 'lost'): void {
    const state = this.current;
    if (this.backend?.kind !== 'joined' || this.backend.client !== client || state.role !== 'joined') return;
    if (stream === 'open') {
      if (state.streamLost) {
        this.setState({ ...state, streamLost: false });
        // Changes made while the stream was down were missed.
        this.fireReset();
      }
      return;
    }
    if (state.streamLost) return;
    this.setState({ ...state, streamLost: true });
    // A random pause so windows that lost the same owner do not all race for the store at once.
    const pause = 150 + Math.floor(Math.random() * 450);
    setTimeout(() => void this.enqueue(() => this.afterStreamLost(client)), pause);
  }

  private async afterStreamLost(client: HttpLoupe): Promise<void> {
    const backend = this.backend;
    if (this.closed || backend?.kind !== 'joined' || backend.client !== client) return;
    const url = new URL(backend.baseUrl);
    const found = await probeLoupe(url.hostname.replace(/^\[(.*)\]$/, '$1'), Number(url.port), {
      timeoutMs: PROBE_TIMEOUT_MS,
      tokens: [backend.token],
    });
    if (found?.joinable) return;
    await this.dropBackend();
    await this.connect();
  }

  private async afterCrash(worker: WorkerLoupe, message: string): Promise<void> {
    const backend = this.backend;
    if (backend?.kind !== 'owner' || backend.worker !== worker) return;
    this.follow(undefined);
    this.backend = undefined;
    await backend.lock?.release();
    this.setState({ role: 'failed', message: `${message}. Run "Loupe: Start Receiver" to start it again.` });
    this.fireReset();
  }

  private async dropBackend(): Promise<void> {
    const backend = this.backend;
    this.follow(undefined);
    this.backend = undefined;
    if (backend?.kind === 'owner') {
      await backend.worker.close().catch(() => undefined);
      // Only after the store is written may another window open it.
      await backend.lock?.release();
    } else if (backend?.kind === 'joined') backend.client.close();
  }
}
