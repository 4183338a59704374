import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoupeApi } from '../../model/api';
import type { TraceChange } from '../../model/traceTypes';
import { compactChange } from './compactChange';

export interface TraceStreamOptions {
  /** A comment line this often keeps proxies and idle timers from closing the stream. */
  heartbeatMs?: number;
  /** How long a browser waits before reconnecting (the SSE `retry:` field). */
  retryMs?: number;
  /** A client with more than this many bytes not yet taken is dropped (told so); it reconnects and reloads. */
  maxBufferedBytes?: number;
  /** Streams open at once; more are answered 503. */
  maxClients?: number;
  /** The last client left: what the streams buffered is garbage now. */
  onAllClientsGone?: () => void;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_STREAM_CLIENTS = 64;
export const DEFAULT_MAX_STREAM_BUFFER_BYTES = 256 * 1024;

const HEARTBEAT = Buffer.from(': heartbeat\n\n');

interface StreamClient {
  response: ServerResponse;
  close: (lastWords?: string) => void;
}

/**
 * Serves `GET /api/traces/stream` to every client from one subscription: each change is
 * compacted (long names cut) and serialized once, and the same bytes are written to every client.
 * A client that stops reading is dropped once its unsent bytes pass a small bound, with an
 * `event: dropped` saying why; the number of open streams is capped. So idle or hostile clients
 * cost a bounded amount of memory, whatever they do.
 */
export class TraceStreamHub {
  private readonly clients = new Set<StreamClient>();
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly maxClients: number;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly api: LoupeApi,
    private readonly options: TraceStreamOptions = {},
  ) {
    this.maxClients = options.maxClients ?? DEFAULT_MAX_STREAM_CLIENTS;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_STREAM_BUFFER_BYTES;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Answers one stream request: the stream, or 503 when the cap is reached. */
  open(request: IncomingMessage, response: ServerResponse): void {
    if (this.clients.size >= this.maxClients) {
      const body = JSON.stringify({ error: `Loupe already serves ${this.maxClients} live streams; close one and retry.` });
      response.writeHead(503, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        'Cache-Control': 'no-store',
        'Retry-After': '5',
        Connection: 'close',
      });
      response.end(body);
      return;
    }
    request.socket.setNoDelay(true);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    response.write(`retry: ${this.options.retryMs ?? 2_000}\n: connected\n\n`);

    let closed = false;
    const client: StreamClient = {
      response,
      close: (lastWords?: string) => {
        if (closed) return;
        closed = true;
        this.clients.delete(client);
        if (this.clients.size === 0) {
          this.stopBroadcast();
          this.options.onAllClientsGone?.();
        }
        if (lastWords === undefined) {
          if (!response.writableEnded) response.end();
          // A stalled reader would keep the socket (and its buffer) alive; end means gone.
          return void response.destroy();
        }
        // A slow reader gets a moment to read why it was dropped; one that does not read is cut.
        response.end(lastWords);
        setTimeout(() => response.destroy(), 1_000).unref();
      },
    };
    // The response closes when the client goes away (request 'close' may fire earlier for a GET).
    response.on('close', () => client.close());
    response.on('error', () => client.close());
    this.clients.add(client);
    this.startBroadcast();
  }

  /** Ends every stream (the server is stopping). */
  closeAll(): void {
    for (const client of [...this.clients]) client.close();
  }

  private startBroadcast(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.api.subscribe((change: TraceChange) => {
      this.broadcast(Buffer.from(`event: change\ndata: ${JSON.stringify(compactChange(change))}\n\n`));
    });
    this.heartbeat = setInterval(() => this.broadcast(HEARTBEAT), this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  }

  private stopBroadcast(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private broadcast(bytes: Buffer): void {
    for (const client of [...this.clients]) {
      const { response } = client;
      // Behind, not merely sent a large event: only bytes still waiting from before count.
      if (response.writableLength > this.maxBufferedBytes) {
        const reason = `This stream fell more than ${Math.round(this.maxBufferedBytes / 1024)} KiB behind; reconnect and reload.`;
        client.close(`event: dropped\ndata: ${JSON.stringify({ reason })}\n\n`);
        continue;
      }
      // The same buffer is queued on every socket: one copy however many clients there are.
      response.write(bytes);
    }
  }
}
