import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoupeApi } from '../../model/api';
import { handleMcpRequest } from '../mcp/mcpHttp';
import { answerTokenAddress, hasAccess, sendUnauthorized, type AccessToken } from '../server/accessGate';
import { handleApiRequest, isTraceStreamRequest } from '../server/restApi';
import { serveStatic } from '../server/staticFiles';
import { TraceStreamHub, type TraceStreamOptions } from '../server/traceStream';
import { hostWithoutPort, isAllowedHostHeader } from '../../model/hostNames';
import { newAccessToken } from './accessToken';
import { BytesInFlight, defaultBytesInFlight, ReceiverBusyError } from '../receiver/bytesInFlight';
import type { IngestSink } from '../receiver/ingestSink';
import { toListenError } from '../receiver/listenError';
import { decideOtlpCors } from '../receiver/otlpCors';
import { handleOtlpExport, otlpSignalForPath } from '../receiver/otlpHttp';
import { DEFAULT_MAX_REQUEST_BYTES, RequestAbortedError, RequestBodyError, readRequestBody } from '../receiver/requestBody';

export const DEFAULT_HTTP_PORT = 4318;

export interface HttpServerOptions {
  sink: IngestSink;
  /** Serves `/api/*` when given; without it those routes answer 404. */
  api?: LoupeApi;
  /**
   * The token `/api/*`, the event stream, `/metrics` and `/mcp` require (the OTLP paths and the UI's
   * files stay open). Without one a random token is made: these faces are never open.
   */
  access?: AccessToken;
  /** Reported to MCP clients. */
  version?: string;
  /** Default 127.0.0.1. Any other non-loopback address exposes Loupe to the network. */
  host?: string;
  /** Default 4318; 0 picks a free port. */
  port?: number;
  /** Cap on a request body, before and after decompression. Default 64 MiB. */
  maxRequestBytes?: number;
  /** The bound on request bytes held at once, shared with the gRPC receiver; default from `maxRequestBytes`. */
  bytesInFlight?: BytesInFlight;
  /** The web UI bundle; a placeholder page is served when it is missing. */
  staticDir?: string;
  /** Web origins allowed to POST to `/v1/*` (browser-side agents); `*` allows any. */
  allowedOrigins?: readonly string[];
  stream?: TraceStreamOptions;
  /** Serves `GET /metrics` (Prometheus text) when given. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** How long `stop()` lets open requests finish before cutting connections. Default 2 s. */
  shutdownGraceMs?: number;
  /** An OTLP export was refused (status and the reason sent back), for the log. */
  onRefused?: (detail: string) => void;
}

/**
 * One `node:http` listener for OTLP/HTTP (`/v1/traces`, `/v1/logs`, `/v1/metrics`), the REST API and
 * SSE stream (`/api/*`), the MCP server (`/mcp`), and the static web UI (everything else).
 */
export class HttpServer {
  private readonly server: Server;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly maxRequestBytes: number;
  private readonly inFlight: BytesInFlight;
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly streams: TraceStreamHub | undefined;
  private readonly access: AccessToken;
  private boundPort: number | undefined;

  constructor(private readonly options: HttpServerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? DEFAULT_HTTP_PORT;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.inFlight = options.bytesInFlight ?? new BytesInFlight(defaultBytesInFlight());
    this.allowedOrigins = new Set(options.allowedOrigins ?? []);
    this.streams = options.api && new TraceStreamHub(options.api, options.stream);
    this.access = options.access ?? { token: newAccessToken() };
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => this.failRequest(response, error));
    });
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return void socket.destroy();
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
  }

  /** The token the read and control faces require. */
  get accessToken(): string {
    return this.access.token;
  }

  /** The bound port once started. */
  get port(): number | undefined {
    return this.boundPort;
  }

  /** Starts listening; resolves with the bound port or rejects with a `PortUnavailableError`. */
  start(): Promise<number> {
    if (this.boundPort !== undefined) return Promise.resolve(this.boundPort);
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.server.off('listening', onListening);
        reject(toListenError(error, 'http', this.host, this.requestedPort));
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve(this.boundPort);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host: this.host, port: this.requestedPort });
    });
  }

  /** Ends event streams, stops accepting, and cuts connections still open after the grace period. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.streams?.closeAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const grace = setTimeout(() => this.server.closeAllConnections(), this.options.shutdownGraceMs ?? 2_000);
    await closed;
    clearTimeout(grace);
    this.boundPort = undefined;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isAllowedHostHeader(request.headers.host, this.host)) {
      const error = `Host "${request.headers.host}" is not this machine; Loupe answers only loopback names.`;
      return sendJson(response, 403, { error }, { Connection: 'close' });
    }
    const target = request.url ?? '/';
    if (!target.startsWith('/')) return sendJson(response, 400, { error: 'Bad request target.' });
    const queryStart = target.indexOf('?');
    const path = queryStart < 0 ? target : target.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : target.slice(queryStart + 1));

    // Receiving stays open, as a collector's does: exporters carry no Loupe token.
    if (path.startsWith('/v1/')) return this.handleOtlp(request, response, path);
    const port = this.boundPort ?? 0;
    const isApi = path === '/api' || path.startsWith('/api/');
    const isMcp = path === '/mcp' || path === '/mcp/';
    if (isApi || isMcp || path === '/metrics') {
      if (!hasAccess(request, query, this.access, port)) return sendUnauthorized(request, response, this.access, port);
      // Checked; the routes never see it, so no answer or error message can echo it.
      query.delete('token');
      if (isApi) return this.handleApi(request, response, path, query);
      if (isMcp) return this.handleMcp(request, response);
      return this.handleMetrics(request, response);
    }
    // The UI's files hold no data; the address `loupe serve` prints turns its token into a cookie.
    if (query.has('token') && (request.method === 'GET' || request.method === 'HEAD')) {
      return answerTokenAddress(request, response, path, query, this.access, port);
    }
    return serveStatic(request, response, path, this.options.staticDir);
  }

  private async handleOtlp(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const method = request.method ?? 'GET';
    const cors = decideOtlpCors(method, request.headers.origin, request.headers['access-control-request-headers'], this.allowedOrigins);
    if (cors.answer) {
      const body = cors.answer.message === undefined ? undefined : { error: cors.answer.message };
      const headers = cors.answer.status === 204 ? cors.headers : { ...cors.headers, Connection: 'close' };
      return sendJson(response, cors.answer.status, body, headers);
    }
    const signal = otlpSignalForPath(path);
    if (signal === undefined) {
      return sendJson(response, 404, { error: `No OTLP endpoint ${path}; use /v1/traces, /v1/logs or /v1/metrics.` }, cors.headers);
    }
    if (method !== 'POST') {
      return sendJson(response, 405, { error: 'OTLP export needs POST.' }, { ...cors.headers, Allow: 'POST' });
    }
    const onRefused = this.options.onRefused;
    await handleOtlpExport(
      request,
      response,
      signal,
      this.options.sink,
      this.maxRequestBytes,
      this.inFlight,
      cors.headers,
      (status, message) => onRefused?.(`OTLP/HTTP ${path} refused with ${status}: ${message}`),
    );
  }

  private async handleApi(request: IncomingMessage, response: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const api = this.options.api;
    if (api === undefined) return sendJson(response, 404, { error: 'This server has no API.' });
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && !isSameOrigin(request)) {
      return sendJson(response, 403, { error: 'Cross-origin requests may not change Loupe data.' }, { Connection: 'close' });
    }
    if (isTraceStreamRequest(method, path)) return this.streams?.open(request, response);
    const reservation = this.inFlight.open();
    try {
      let body: Buffer | undefined;
      if (method === 'POST') {
        try {
          body = await readRequestBody(request, this.maxRequestBytes, reservation);
        } catch (error) {
          if (error instanceof RequestAbortedError) return void response.destroy();
          if (error instanceof ReceiverBusyError) {
            const headers = { 'Retry-After': String(error.retryAfterSeconds), Connection: 'close' };
            return sendJson(response, 503, { error: error.message }, headers);
          }
          if (error instanceof RequestBodyError) {
            return sendJson(response, error.status, { error: error.message }, { Connection: 'close' });
          }
          throw error;
        }
      }
      const answer = await handleApiRequest(api, {
        method,
        path,
        query,
        contentType: request.headers['content-type'],
        body,
      });
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    } finally {
      reservation.release();
    }
  }

  private async handleMcp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { api } = this.options;
    if (api === undefined) return sendJson(response, 404, { error: 'This server has no MCP endpoint.' });
    await handleMcpRequest(request, response, { api, version: this.options.version ?? '0.0.0' });
  }

  private async handleMetrics(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!this.options.metrics) return sendJson(response, 404, { error: 'This server has no metrics.' });
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return sendJson(response, 405, { error: '/metrics answers GET.' }, { Allow: 'GET, HEAD' });
    const { contentType, body } = await this.options.metrics();
    const bytes = Buffer.from(body);
    response.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': String(bytes.length),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(method === 'HEAD' ? undefined : bytes);
  }

  private failRequest(response: ServerResponse, error: unknown): void {
    if (response.headersSent) return void response.destroy();
    const message = error instanceof Error ? error.message : String(error);
    sendJson(response, 500, { error: `Loupe could not answer: ${message}` });
  }
}

/** A state-changing request from a web page must come from a page this server served. */
function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    const host = request.headers.host;
    return host !== undefined && new URL(origin).host === host && hostWithoutPort(host) !== undefined;
  } catch {
    return false;
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown, extraHeaders: Record<string, string> = {}): void {
  const body = value === undefined ? undefined : Buffer.from(JSON.stringify(value));
  response.writeHead(status, {
    ...extraHeaders,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length) }),
  });
  response.end(body);
}
