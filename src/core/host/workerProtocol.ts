import type { ApiMethod } from '../../model/api';
import type { TraceChange } from '../../model/traceTypes';
import type { RuntimeOptions } from './loupeRuntime';
import type { BudgetCrossing } from '../../model/budgetTypes';
import type { ForwardingStatus } from '../../model/continuousForwarding';

/** Options crossing into the engine thread: plain data, no callbacks. */
export type WorkerRuntimeOptions = Omit<
  RuntimeOptions,
  'onStoreError' | 'onStoreRecovered' | 'onBudgetCrossing' | 'onRefused' | 'onForwardingStatus'
>;

export type SerializedListenerState =
  | { state: 'stopped' }
  | { state: 'listening'; port: number }
  | { state: 'failed'; message: string; name: string; port?: number; failure?: string };

export interface SerializedReceiverStatus {
  host: string;
  grpc: SerializedListenerState;
  http: SerializedListenerState;
}

export type ControlMethod =
  | 'startReceivers'
  | 'stopReceivers'
  | 'setPricing'
  | 'setLimits'
  | 'setForwarding'
  | 'flush'
  | 'close'
  | 'forwardTrace'
  | 'cancelForward'
  | 'memory';

/** The engine thread's own heap (the process's RSS is shared by every thread). */
export interface EngineMemory {
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Whether a full garbage collection ran first (only when Node runs with --expose-gc). */
  collected: boolean;
}

export interface CallMessage {
  type: 'call';
  id: number;
  method: ApiMethod | ControlMethod;
  args: unknown[];
}

export type ToWorker = { type: 'init'; options: WorkerRuntimeOptions } | CallMessage;

export type FromWorker =
  | { type: 'ready'; loadProblems: string[]; accessToken: string }
  | { type: 'initFailed'; message: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; name: string }
  | { type: 'change'; change: TraceChange }
  | { type: 'storeError'; message: string }
  | { type: 'storeRecovered' }
  | { type: 'budgetCrossing'; crossing: BudgetCrossing }
  | { type: 'refused'; message: string }
  | { type: 'forwardingStatus'; status: ForwardingStatus; changed: boolean };
