import type { SerializedListenerState } from '../../core/host/workerProtocol';
import type { ConnectionState } from '../engine/engineConnection';

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  text: string;
}

function listener(name: string, host: string, state: SerializedListenerState): LogLine {
  switch (state.state) {
    case 'listening':
      return { level: 'info', text: `${name} receiver listening on ${host}:${state.port}` };
    case 'stopped':
      return { level: 'info', text: `${name} receiver stopped` };
    case 'failed':
      return { level: 'error', text: `${name} receiver could not start${state.port ? ` on port ${state.port}` : ''}: ${state.message}` };
  }
}

/**
 * What the Output channel says about a connection state, or nothing when it repeats the previous
 * one (live stream hiccups and re-announcements are not news).
 */
export function connectionLogLines(state: ConnectionState, previous: ConnectionState | undefined): LogLine[] {
  const key = (s: ConnectionState | undefined) => JSON.stringify(s ?? null);
  if (key(state) === key(previous)) return [];
  switch (state.role) {
    case 'connecting':
      return [{ level: 'info', text: 'Starting the trace engine' }];
    case 'owner': {
      const { host, grpc, http } = state.receiver;
      return [listener('OTLP/gRPC', host, grpc), listener('OTLP/HTTP', host, http)];
    }
    case 'joined':
      if (previous?.role === 'joined' && previous.baseUrl === state.baseUrl) {
        return state.streamLost === previous.streamLost
          ? []
          : [
              state.streamLost
                ? { level: 'warn', text: `Lost the live updates from ${state.baseUrl}; reconnecting` }
                : { level: 'info', text: `Live updates from ${state.baseUrl} again` },
            ];
      }
      return [{ level: 'info', text: `Showing the traces of another Loupe at ${state.baseUrl} (version ${state.health.version})` }];
    case 'waiting':
      return [{ level: 'warn', text: state.message }];
    case 'failed':
      return [{ level: 'error', text: `The trace engine failed: ${state.message}` }];
    case 'closed':
      return [{ level: 'info', text: 'Trace engine closed' }];
  }
}
