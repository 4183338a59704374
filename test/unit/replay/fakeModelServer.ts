import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export type FakeBehaviour = 'answer' | 'error500' | 'hang';

/** Answers in each API's wire format, as the providers do (what their official SDKs parse). */
function answerFor(path: string, body: any): unknown {
  if (path === '/v1/chat/completions') {
    return {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_795_000_000,
      model: `${body.model}-2026-01-01`,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Paris is sunny.\nHigh of 24 °C.', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 42, completion_tokens: 9, total_tokens: 51 },
    };
  }
  if (path === '/v1/responses') {
    return {
      id: 'resp_1',
      object: 'response',
      created_at: 1_795_000_000,
      status: 'completed',
      model: body.model,
      output: [
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Paris is sunny.', annotations: [] }],
        },
      ],
      usage: {
        input_tokens: 40,
        output_tokens: 5,
        total_tokens: 45,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    };
  }
  if (path === '/v1/messages') {
    return {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 30, output_tokens: 12, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    };
  }
  return undefined;
}

/** A real HTTP server on a free loopback port standing in for OpenAI and Anthropic; it keeps every request. */
export class FakeModelServer {
  readonly received: ReceivedRequest[] = [];
  behaviour: FakeBehaviour = 'answer';
  private readonly server: Server;
  private readonly hanging = new Set<() => void>();
  port = 0;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text === '' ? undefined : JSON.parse(text);
        this.received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
        if (this.behaviour === 'hang') {
          this.hanging.add(() => response.destroy());
          return;
        }
        if (this.behaviour === 'error500') {
          response.writeHead(500, { 'Content-Type': 'application/json' });
          return void response.end(JSON.stringify({ error: { message: 'The server is overloaded', type: 'server_error' } }));
        }
        const answer = answerFor(request.url ?? '', body);
        response.writeHead(answer ? 200 : 404, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(answer ?? { error: { message: `no route ${request.url}` } }));
      });
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  get last(): ReceivedRequest {
    return this.received[this.received.length - 1];
  }

  async stop(): Promise<void> {
    for (const cut of this.hanging) cut();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
