import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoupeApi } from '../../model/api';
import type { TraceChange } from '../../model/traceTypes';

export interface TraceStreamOptions {
  /** A comment line this often keeps proxies and idle timers from closing the stream. */
  heartbeatMs?: number;
  /** How long a browser waits before reconnecting (the SSE `retry:` field). */
  retryMs?: number;
  /** A client that falls this far behind is dropped; it reconnects and reloads. */
  maxBufferedBytes?: number;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * Serves `GET /api/traces/stream`: one `event: change` per coalesced `TraceChange`, as JSON.
 * Returns a function that ends the stream (used when the server stops); the subscription and the
 * heartbeat are released however the stream ends.
 */
export function openTraceStream(
  api: LoupeApi,
  request: IncomingMessage,
  response: ServerResponse,
  options: TraceStreamOptions = {},
): () => void {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  request.socket.setNoDelay(true);
  response.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    'X-Content-Type-Options': 'nosniff',
  });
  response.write(`retry: ${options.retryMs ?? 2_000}\n: connected\n\n`);

  let closed = false;
  const write = (text: string): void => {
    if (closed) return;
    if (response.writableLength > maxBufferedBytes) return close();
    response.write(text);
  };
  const unsubscribe = api.subscribe((change: TraceChange) => {
    write(`event: change\ndata: ${JSON.stringify(change)}\n\n`);
  });
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);

  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    if (!response.writableEnded) response.end();
    // A stalled reader would keep the socket (and its buffer) alive; end means gone.
    response.destroy();
  }
  // The response closes when the client goes away (request 'close' may fire earlier for a GET).
  response.on('close', close);
  response.on('error', close);
  return close;
}
