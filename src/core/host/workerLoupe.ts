import { Worker } from 'node:worker_threads';
import { ForwardingQueries, type ApiMethod, type LoupeApi, type Unsubscribe } from '../../model/api';
import { ApiInputError } from '../../model/apiRoutes';
import type { RuntimeCloseReport } from './loupeRuntime';
import type { TraceChange } from '../../model/traceTypes';
import type { PriceOverride } from '../../model/priceOverride';
import type { BudgetCrossing } from '../../model/budgetTypes';
import type { ForwardTarget } from '../../model/forwardTarget';
import type { ForwardResult } from '../../model/forwardResult';
import type { ContinuousForwarding, ForwardingStatus } from '../../model/continuousForwarding';
import type { ControlMethod, EngineMemory, FromWorker, SerializedReceiverStatus, ToWorker, WorkerRuntimeOptions } from './workerProtocol';

export interface WorkerLoupeEvents {
  onStoreError?: (message: string) => void;
  onStoreRecovered?: () => void;
  /** Spend reached a budget's warning or critical level. */
  onBudgetCrossing?: (crossing: BudgetCrossing) => void;
  /** A receiver refused an export: why, as the exporter was told. */
  onRefused?: (message: string) => void;
  /** Continuous forwarding changed state (`changed`), or failed another attempt (fresh counts). */
  onForwardingStatus?: (status: ForwardingStatus, changed: boolean) => void;
  /** The engine thread ended without being closed (a crash); pending calls have failed. */
  onCrash?: (message: string) => void;
}

/** Three times the semi-space size (two semi-spaces and the young large-object space): 48 MB semi-spaces. */
export const ENGINE_YOUNG_GENERATION_MB = 144;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The Loupe engine running in a worker thread, seen from the thread that started it.
 * Implements `LoupeApi` by message passing, so callers cannot tell it from an in-process engine.
 */
export class WorkerLoupe extends ForwardingQueries implements LoupeApi {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(change: TraceChange) => void>();
  private nextId = 1;
  private closing = false;
  private exited = false;
  loadProblems: string[] = [];
  /** The token this engine's HTTP faces require (from its store folder). */
  accessToken = '';

  private constructor(
    private readonly worker: Worker,
    private readonly events: WorkerLoupeEvents,
  ) {
    super();
  }

  protected callQuery(method: ApiMethod, args: readonly unknown[]): Promise<unknown> {
    return this.call(method, [...args]);
  }

  /** Starts the engine thread from the bundled `engineWorker.js` and waits until its store is loaded. */
  static start(scriptPath: string, options: WorkerRuntimeOptions, events: WorkerLoupeEvents = {}): Promise<WorkerLoupe> {
    // A young generation larger than V8's default (16 MB semi-spaces): ingest keeps most of what it
    // allocates, and fewer, larger scavenges cut the engine thread's CPU per span by a third or more.
    const worker = new Worker(scriptPath, {
      name: 'loupe-engine',
      resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB },
    });
    const loupe = new WorkerLoupe(worker, events);
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          ready = true;
          loupe.loadProblems = message.loadProblems;
          loupe.accessToken = message.accessToken;
          resolve(loupe);
        } else if (message.type === 'initFailed') {
          void worker.terminate();
          reject(new Error(message.message));
        } else loupe.receive(message);
      });
      worker.on('error', (error) => {
        if (!ready) reject(error);
        loupe.fail(`The Loupe engine stopped: ${error.message}`);
      });
      worker.on('exit', (code) => {
        if (!ready) reject(new Error(`The Loupe engine exited during start (code ${code})`));
        loupe.fail(`The Loupe engine exited (code ${code})`);
      });
      loupe.send({ type: 'init', options });
    });
  }

  startReceivers(): Promise<SerializedReceiverStatus> {
    return this.call('startReceivers') as Promise<SerializedReceiverStatus>;
  }

  stopReceivers(): Promise<SerializedReceiverStatus> {
    return this.call('stopReceivers') as Promise<SerializedReceiverStatus>;
  }

  setPricing(overrides: readonly PriceOverride[]): Promise<void> {
    return this.call('setPricing', [overrides]) as Promise<void>;
  }

  setLimits(limits: { maxTraces?: number; maxBytes?: number; maxAgeMs?: number }): Promise<void> {
    return this.call('setLimits', [limits]) as Promise<void>;
  }

  /** Turns continuous forwarding on (to this endpoint) or off; answers its status once the endpoint is checked. */
  setForwarding(config: ContinuousForwarding | undefined): Promise<ForwardingStatus> {
    return this.call('setForwarding', [config]) as Promise<ForwardingStatus>;
  }

  /**
   * The API's `forwardTrace`, cancellable: aborting `signal` stops the delivery inside the engine
   * thread (the result is then a `cancelled` failure).
   */
  override forwardTrace = (
    traceId: string,
    target: ForwardTarget,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ForwardResult | undefined> => {
    const { signal, ...rest } = options;
    const { id, result } = this.start('forwardTrace', [traceId, target, rest]) as {
      id: number;
      result: Promise<ForwardResult | undefined>;
    };
    if (signal) {
      const cancel = () => void this.call('cancelForward', [id]).catch(() => undefined);
      if (signal.aborted) cancel();
      else {
        signal.addEventListener('abort', cancel, { once: true });
        void result.finally(() => signal.removeEventListener('abort', cancel)).catch(() => undefined);
      }
    }
    return result;
  };

  flush(): Promise<void> {
    return this.call('flush') as Promise<void>;
  }

  /** The engine thread's heap, after a full collection when Node runs with --expose-gc. */
  memory(): Promise<EngineMemory> {
    return this.call('memory') as Promise<EngineMemory>;
  }

  /** Stops the listeners, writes the store, and ends the thread. */
  async close(): Promise<RuntimeCloseReport> {
    if (this.exited) return { unsaved: 0 };
    this.closing = true;
    try {
      return (await this.call('close')) as RuntimeCloseReport;
    } finally {
      await this.worker.terminate();
    }
  }

  subscribe(listener: (change: TraceChange) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private call(method: ApiMethod | ControlMethod, args: unknown[] = []): Promise<unknown> {
    return this.start(method, args).result;
  }

  /** Sends a call and returns its id (to refer to it later) with its answer. */
  private start(method: ApiMethod | ControlMethod, args: unknown[]): { id: number; result: Promise<unknown> } {
    const id = this.nextId++;
    if (this.exited) return { id, result: Promise.reject(new Error('The Loupe engine is not running')) };
    const result = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'call', id, method, args });
    });
    return { id, result };
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'result':
      case 'error': {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.type === 'result') waiting?.resolve(message.value);
        else waiting?.reject(message.name === 'ApiInputError' ? new ApiInputError(message.message) : new Error(message.message));
        break;
      }
      case 'change':
        for (const listener of [...this.listeners]) listener(message.change);
        break;
      case 'storeError':
        this.events.onStoreError?.(message.message);
        break;
      case 'storeRecovered':
        this.events.onStoreRecovered?.();
        break;
      case 'budgetCrossing':
        this.events.onBudgetCrossing?.(message.crossing);
        break;
      case 'refused':
        this.events.onRefused?.(message.message);
        break;
      case 'forwardingStatus':
        this.events.onForwardingStatus?.(message.status, message.changed);
        break;
    }
  }

  private fail(message: string): void {
    if (this.exited) return;
    this.exited = true;
    for (const { reject } of this.pending.values()) reject(new Error(message));
    this.pending.clear();
    if (!this.closing) this.events.onCrash?.(message);
  }
}
