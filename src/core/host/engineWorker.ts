import { parentPort } from 'node:worker_threads';
import { LoupeRuntime, type ListenerState, type ReceiverStatus } from './loupeRuntime';
import { PortUnavailableError } from '../receiver/listenError';
import {
  type CallMessage,
  type FromWorker,
  type SerializedListenerState,
  type SerializedReceiverStatus,
  type ToWorker,
} from './workerProtocol';
import { isApiMethod } from '../../model/api';

// The engine thread: receivers, decoding, assembly and the store run here, so the thread that
// started it (the VS Code extension host) never waits on ingest or on JSON serialization.

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');
let runtime: LoupeRuntime | undefined;
/** Forwards under way, by the id of the call that started them, so the caller can cancel one. */
const forwards = new Map<number, AbortController>();

function post(message: FromWorker): void {
  port!.postMessage(message);
}

function serializeListener(state: ListenerState): SerializedListenerState {
  if (state.state !== 'failed') return state;
  const error = state.error;
  return error instanceof PortUnavailableError
    ? { state: 'failed', message: error.message, name: error.name, port: error.port, failure: error.failure }
    : { state: 'failed', message: error.message, name: error.name };
}

function serializeStatus(status: ReceiverStatus): SerializedReceiverStatus {
  return { host: status.host, grpc: serializeListener(status.grpc), http: serializeListener(status.http) };
}

async function call(message: CallMessage): Promise<unknown> {
  const rt = runtime!;
  const args = message.args as never[];
  switch (message.method) {
    case 'startReceivers':
      return serializeStatus(await rt.startReceivers());
    case 'stopReceivers':
      await rt.stopReceivers();
      return serializeStatus(rt.receiverStatus);
    case 'setPricing':
      return rt.engine.setPricing(args[0]);
    case 'setLimits':
      return rt.engine.setLimits(args[0]);
    case 'setForwarding':
      return rt.setForwarding(args[0]);
    case 'memory': {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const { heapUsed, heapTotal, external } = process.memoryUsage();
      return { heapUsed, heapTotal, external, collected: gc !== undefined };
    }
    case 'flush':
      return rt.engine.flush();
    case 'forwardTrace': {
      const cancel = new AbortController();
      forwards.set(message.id, cancel);
      try {
        // Encoding a large trace takes a while; here it costs the editor nothing.
        return await rt.engine.forwardTrace(args[0], args[1], args[2], cancel.signal);
      } finally {
        forwards.delete(message.id);
      }
    }
    case 'cancelForward':
      forwards.get(args[0] as number)?.abort();
      return undefined;
    case 'close': {
      const report = await rt.close();
      runtime = undefined;
      return report;
    }
    default:
      if (!isApiMethod(message.method)) throw new Error(`unknown method ${message.method}`);
      return (rt.engine[message.method] as (...a: never[]) => Promise<unknown>).apply(rt.engine, args);
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    LoupeRuntime.open({
      ...message.options,
      onStoreError: (text) => post({ type: 'storeError', message: text }),
      onStoreRecovered: () => post({ type: 'storeRecovered' }),
      onBudgetCrossing: (crossing) => post({ type: 'budgetCrossing', crossing }),
      onRefused: (text) => post({ type: 'refused', message: text }),
      onForwardingStatus: (status, changed) => post({ type: 'forwardingStatus', status, changed }),
    }).then(
      (opened) => {
        runtime = opened;
        opened.engine.subscribe((change) => post({ type: 'change', change }));
        post({ type: 'ready', loadProblems: opened.engine.loadProblems, accessToken: opened.accessToken });
      },
      (error: unknown) => post({ type: 'initFailed', message: error instanceof Error ? error.message : String(error) }),
    );
    return;
  }
  if (!runtime) {
    post({ type: 'error', id: message.id, message: 'the engine is not running', name: 'Error' });
    return;
  }
  call(message).then(
    (value) => post({ type: 'result', id: message.id, value }),
    (error: unknown) =>
      post({
        type: 'error',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
        name: error instanceof Error ? error.name : 'Error',
      }),
  );
});
