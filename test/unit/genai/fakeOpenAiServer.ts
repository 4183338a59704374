import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strict as assert } from 'node:assert';
import type OpenAIType from 'openai';

/** Usage every completion reports: 42 input tokens (8 of them cached) and 12 output tokens. */
export const USAGE = { input: 42, cached: 8, output: 12 };
export const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
export const ERROR_MODEL = 'gpt-error-model';
export const GREETING = 'Hello from the fake OpenAI server!';
export const WEATHER_ANSWER = 'The weather in Paris is sunny and 22 degrees Celsius.';
export const TOOL_CALL_ID = 'call-weather-1';
export const EMBEDDING_TOKENS_PER_INPUT = 5;

/** The calls besides chat that every instrumentation test makes: a stream, embeddings, the Responses API and a failing call. */
export async function otherOpenAiCalls(client: OpenAIType): Promise<void> {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Stream a greeting' }],
  });
  for await (const _chunk of stream) void _chunk;
  await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello world', 'bonjour'] });
  await client.responses.create({ model: 'gpt-4o-mini', instructions: 'Be brief.', input: 'Say hi via the Responses API' });
  await assert.rejects(client.chat.completions.create({ model: ERROR_MODEL, messages: [{ role: 'user', content: 'this will fail' }] }));
}

type Json = Record<string, unknown>;

const chatUsage = () => ({
  prompt_tokens: USAGE.input,
  completion_tokens: USAGE.output,
  total_tokens: USAGE.input + USAGE.output,
  prompt_tokens_details: { cached_tokens: USAGE.cached, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
});

function readBody(request: IncomingMessage): Promise<Json> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json);
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function modelError(response: ServerResponse, model: string): void {
  send(response, 400, {
    error: { message: `The model '${model}' does not exist`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' },
  });
}

/** Asks for the weather tool until a tool result is in the conversation, then answers. */
function chatTurn(body: Json): { content: string | null; toolCalls?: Json[]; finish: string } {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  const answered = messages.some((m) => m.role === 'tool');
  if (hasTools && !answered) {
    return {
      content: null,
      toolCalls: [{ id: TOOL_CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      finish: 'tool_calls',
    };
  }
  return { content: answered ? WEATHER_ANSWER : GREETING, finish: 'stop' };
}

function chatCompletion(body: Json, response: ServerResponse, n: number): void {
  const turn = chatTurn(body);
  const id = `chatcmpl-${n}`;
  const created = Math.floor(Date.now() / 1000);
  if (!body.stream) {
    send(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model: RESPONSE_MODEL,
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: turn.content, refusal: null, tool_calls: turn.toolCalls },
          logprobs: null,
          finish_reason: turn.finish,
        },
      ],
      usage: chatUsage(),
    });
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (delta: Json, finish: string | null, extra: Json = {}) =>
    response.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: RESPONSE_MODEL, system_fingerprint: 'fp_fake', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`,
    );
  chunk({ role: 'assistant', content: '' }, null);
  if (turn.toolCalls) {
    turn.toolCalls.forEach((call, index) => chunk({ tool_calls: [{ index, ...call }] }, null));
  } else {
    for (const word of (turn.content ?? '').split(/(?<= )/)) chunk({ content: word }, null);
  }
  chunk({}, turn.finish);
  const options = body.stream_options as Json | undefined;
  if (options?.include_usage) {
    response.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: RESPONSE_MODEL, choices: [], usage: chatUsage() })}\n\n`,
    );
  }
  response.end('data: [DONE]\n\n');
}

function embeddings(body: Json, response: ServerResponse): void {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  send(response, 200, {
    object: 'list',
    model: body.model,
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding: [0.1, 0.2, 0.3, 0.4, -0.1, -0.2, 0.05, 0.9].map((v) => v + index / 100),
    })),
    usage: { prompt_tokens: inputs.length * EMBEDDING_TOKENS_PER_INPUT, total_tokens: inputs.length * EMBEDDING_TOKENS_PER_INPUT },
  });
}

function responsesApi(body: Json, response: ServerResponse, n: number): void {
  const input = Array.isArray(body.input) ? (body.input as Json[]) : [];
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  const answered = input.some((item) => item.type === 'function_call_output');
  const output =
    hasTools && !answered
      ? [
          {
            type: 'function_call',
            id: `fc-${n}`,
            call_id: TOOL_CALL_ID,
            name: 'get_weather',
            arguments: '{"city":"Paris"}',
            status: 'completed',
          },
        ]
      : [
          {
            type: 'message',
            id: `msg-${n}`,
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: answered ? WEATHER_ANSWER : GREETING, annotations: [] }],
          },
        ];
  send(response, 200, {
    id: `resp-${n}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: RESPONSE_MODEL,
    output,
    usage: {
      input_tokens: USAGE.input,
      input_tokens_details: { cached_tokens: USAGE.cached },
      output_tokens: USAGE.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: USAGE.input + USAGE.output,
    },
  });
}

/** An OpenAI-compatible server on 127.0.0.1 with a random port: chat (plain, streamed, tools), embeddings, responses. */
export class FakeOpenAiServer {
  private readonly server: Server;
  private count = 0;
  readonly requests: Array<{ path: string; body: Json }> = [];

  constructor() {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => send(response, 500, { error: { message: String(error) } }));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    const body = request.method === 'POST' ? await readBody(request) : {};
    this.requests.push({ path, body });
    const n = ++this.count;
    if (typeof body.model === 'string' && body.model === ERROR_MODEL) return modelError(response, body.model);
    if (path === '/v1/chat/completions') return chatCompletion(body, response, n);
    if (path === '/v1/embeddings') return embeddings(body, response);
    if (path === '/v1/responses') return responsesApi(body, response, n);
    send(response, 404, { error: { message: `no route ${path}` } });
  }
}
