import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { connect } from 'node:net';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { LoupeApi } from '../../../src/model/api';
import type { TraceChange } from '../../../src/model/traceTypes';
import type { TraceEngine } from '../../../src/core/engine/traceEngine';
import { send } from '../receiver/httpClient';
import { REMOTE_PARENT } from '../receiver/sampleSpans';
import { readFixture, sendSampleRun, startLoupe } from './liveLoupe';

interface StreamClient {
  response: IncomingMessage;
  request: ClientRequest;
  /** Raw text received so far. */
  text(): string;
  /** Waits until a received event or comment satisfies `test`. */
  waitFor(test: (text: string) => boolean, timeoutMs?: number): Promise<void>;
  events(): { event: string; data: string }[];
  /** Waits until some change event received so far satisfies `test`. */
  waitForChange(test: (change: TraceChange) => boolean, timeoutMs?: number): Promise<void>;
}

function changesIn(text: string): TraceChange[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: change\n'))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as TraceChange);
}

function openStream(port: number, token: string): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/api/traces/stream',
      agent: false,
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let received = '';
      const waiters = new Set<() => void>();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        received += chunk;
        for (const waiter of [...waiters]) waiter();
      });
      response.on('error', () => undefined);
      const waitFor = (test: (text: string) => boolean, timeoutMs = 5_000) =>
        new Promise<void>((done, fail) => {
          const check = () => {
            if (!test(received)) return;
            waiters.delete(check);
            clearTimeout(timer);
            done();
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            fail(new Error(`timed out; received so far:\n${received}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      resolve({
        response,
        request,
        text: () => received,
        waitFor,
        waitForChange: (test, timeoutMs) => waitFor((text) => changesIn(text).some(test), timeoutMs),
        events: () =>
          received
            .split('\n\n')
            .map((block) => block.split('\n'))
            .filter((lines) => lines.some((line) => line.startsWith('event: ')))
            .map((lines) => ({
              event: lines.find((line) => line.startsWith('event: '))!.slice(7),
              data: lines
                .filter((line) => line.startsWith('data: '))
                .map((line) => line.slice(6))
                .join('\n'),
            })),
      });
    });
    request.end();
  });
}

/** Counts live subscriptions on the real engine, to see that a stream lets go of its own. */
function countingSubscriptions(engine: TraceEngine, counter: { live: number }): LoupeApi {
  return new Proxy(engine as LoupeApi, {
    get(target, key, receiver) {
      if (key !== 'subscribe') {
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (listener: (change: TraceChange) => void) => {
        counter.live++;
        const unsubscribe = target.subscribe(listener);
        let done = false;
        return () => {
          if (!done) counter.live--;
          done = true;
          unsubscribe();
        };
      };
    },
  });
}

async function eventually(test: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('GET /api/traces/stream (Server-Sent Events)', () => {
  const subscriptions = { live: 0 };
  let loupe: Awaited<ReturnType<typeof startLoupe>>;

  before(async () => {
    loupe = await startLoupe({ stream: { heartbeatMs: 100 }, wrapApi: (engine) => countingSubscriptions(engine, subscriptions) });
  });
  after(() => loupe.stop());

  it('opens as an event stream with a retry hint', async () => {
    const client = await openStream(loupe.port, loupe.token);
    try {
      strictEqual(client.response.statusCode, 200);
      strictEqual(client.response.headers['content-type'], 'text/event-stream; charset=utf-8');
      strictEqual(client.response.headers['cache-control'], 'no-store');
      await client.waitFor((text) => text.startsWith('retry: '));
    } finally {
      client.request.destroy();
    }
  });

  it('sends a change event when spans arrive', async () => {
    const client = await openStream(loupe.port, loupe.token);
    try {
      await client.waitFor((text) => text.includes(': connected'));
      await sendSampleRun(loupe.port);
      // The exporter sends one request per span; the stream ends up showing the whole run.
      await client.waitForChange((change) =>
        change.upserted.some((summary) => summary.traceId === REMOTE_PARENT.traceId && summary.spanCount === 5),
      );
      ok(client.events().every((event) => event.event === 'change'));
      ok(changesIn(client.text()).length <= 5, 'more change events than requests');
    } finally {
      client.request.destroy();
    }
  });

  it('tells every open stream about imports, deletions and clears', async () => {
    const first = await openStream(loupe.port, loupe.token);
    const second = await openStream(loupe.port, loupe.token);
    try {
      await first.waitFor((text) => text.includes(': connected'));
      await second.waitFor((text) => text.includes(': connected'));
      const fixture = await readFixture('a-otel-instrumentation-openai.otlp.json');
      const traceId = '26e4b63182623d02ea487c9de9dc1903';
      await send({
        port: loupe.port,
        token: loupe.token,
        method: 'POST',
        path: '/api/import',
        headers: { 'Content-Type': 'application/json' },
        body: fixture,
      });
      // Changes within one coalescing window merge, so each step waits for its event.
      await first.waitForChange((change) => change.upserted.some((summary) => summary.traceId === traceId));
      await send({ port: loupe.port, token: loupe.token, method: 'DELETE', path: `/api/traces/${traceId}` });
      await first.waitForChange((change) => change.removed.includes(traceId));
      await send({ port: loupe.port, token: loupe.token, method: 'DELETE', path: '/api/traces' });
      for (const client of [first, second]) {
        await client.waitForChange((change) => change.cleared);
        const changes = changesIn(client.text());
        ok(changes.some((change) => change.upserted.some((summary) => summary.traceId === traceId)));
        ok(changes.some((change) => change.removed.includes(traceId)));
        deepStrictEqual(changes.at(-1)?.stats.traces, 0);
      }
    } finally {
      first.request.destroy();
      second.request.destroy();
    }
  });

  it('sends heartbeat comments while idle', async () => {
    const client = await openStream(loupe.port, loupe.token);
    try {
      await client.waitFor((text) => text.split(': heartbeat\n\n').length > 2, 2_000);
    } finally {
      client.request.destroy();
    }
  });

  it('serves every client from one subscription, and lets go of it when the last disconnects', async () => {
    await eventually(() => subscriptions.live === 0);
    const clients = await Promise.all([
      openStream(loupe.port, loupe.token),
      openStream(loupe.port, loupe.token),
      openStream(loupe.port, loupe.token),
    ]);
    await Promise.all(clients.map((client) => client.waitFor((text) => text.includes(': connected'))));
    strictEqual(subscriptions.live, 1);
    clients[0].request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    strictEqual(subscriptions.live, 1);
    for (const client of clients.slice(1)) client.request.destroy();
    await eventually(() => subscriptions.live === 0);
  });

  it('keeps events small: a 60 KB span name travels cut to 256 characters', async () => {
    const client = await openStream(loupe.port, loupe.token);
    try {
      await client.waitFor((text) => text.includes(': connected'));
      const traceId = 'ab'.repeat(16);
      const name = 'n'.repeat(60 * 1024);
      const otlp = {
        resourceSpans: [
          {
            resource: { attributes: [] },
            scopeSpans: [
              {
                spans: [{ traceId, spanId: 'cd'.repeat(8), name, kind: 1, startTimeUnixNano: '1000000', endTimeUnixNano: '2000000' }],
              },
            ],
          },
        ],
      };
      const reply = await send({
        port: loupe.port,
        token: loupe.token,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(otlp),
      });
      strictEqual(reply.status, 200);
      await client.waitForChange((change) => change.upserted.some((summary) => summary.traceId === traceId));
      const event = client.events().find((each) => each.event === 'change' && each.data.includes(traceId))!;
      ok(event.data.length < 4_096, `event of ${event.data.length} bytes`);
      const summary = (JSON.parse(event.data) as TraceChange).upserted.find((each) => each.traceId === traceId)!;
      strictEqual(summary.name, `${'n'.repeat(255)}…`);
    } finally {
      client.request.destroy();
    }
  });

  it('is not mistaken for a trace id', async () => {
    const reply = await send({ port: loupe.port, token: loupe.token, method: 'DELETE', path: '/api/traces/stream' });
    strictEqual(reply.status, 405);
  });
});

describe('stream limits', () => {
  it('answers 503 with Retry-After beyond the cap on open streams', async () => {
    const loupe = await startLoupe({ stream: { maxClients: 2 } });
    try {
      const clients = [await openStream(loupe.port, loupe.token), await openStream(loupe.port, loupe.token)];
      const third = await openStream(loupe.port, loupe.token);
      strictEqual(third.response.statusCode, 503);
      strictEqual(third.response.headers['retry-after'], '5');
      await third.waitFor((text) => text.includes('live streams'));
      clients[0].request.destroy();
      await eventually(() => loupe.server !== undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await openStream(loupe.port, loupe.token);
      strictEqual(again.response.statusCode, 200);
      for (const client of [clients[1], again]) client.request.destroy();
    } finally {
      await loupe.stop();
    }
  });

  it('drops a client that stops reading once its unsent bytes pass the bound, telling it why', async () => {
    // The engine's own subscription, so the test can publish large changes faster than ingest would.
    const publishers = new Set<(change: TraceChange) => void>();
    const loupe = await startLoupe({
      stream: { maxBufferedBytes: 64 * 1024 },
      wrapApi: (engine) =>
        new Proxy(engine as LoupeApi, {
          get(target, key, receiver) {
            if (key === 'subscribe')
              return (listener: (change: TraceChange) => void) => {
                publishers.add(listener);
                return () => publishers.delete(listener);
              };
            const value = Reflect.get(target, key, receiver) as unknown;
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
    });
    const reader = await openStream(loupe.port, loupe.token);
    const socket = connect({ host: '127.0.0.1', port: loupe.port });
    try {
      await reader.waitFor((text) => text.includes(': connected'));
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(`GET /api/traces/stream HTTP/1.1\r\nHost: 127.0.0.1:${loupe.port}\r\nAuthorization: Bearer ${loupe.token}\r\n\r\n`);
      // Never read: the kernel's buffers fill first, then Loupe's, and then the client is dropped.
      socket.pause();
      let received = '';
      socket.setEncoding('latin1');
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await eventually(() => publishers.size === 1);
      const stats = await loupe.engine.stats();
      const removed = Array.from({ length: 20_000 }, (_, i) => i.toString(16).padStart(32, '0'));
      // 68 MB: more than the kernel's socket buffers take.
      for (let event = 0; event < 100; event++) {
        for (const publish of publishers) publish({ upserted: [], removed, cleared: false, stats });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Reading again, the client finds its stream ended (with a paused socket, the end cannot show).
      socket.on('data', (chunk: string) => (received = (received + chunk).slice(-2_000)));
      socket.resume();
      await closed;
      ok(received.length > 0);
      // The client that reads is still served.
      strictEqual(publishers.size, 1);
      for (const publish of publishers) publish({ upserted: [], removed: ['ff'.repeat(16)], cleared: false, stats });
      await reader.waitForChange((change) => change.removed[0] === 'ff'.repeat(16), 10_000);
    } finally {
      socket.destroy();
      reader.request.destroy();
      await loupe.stop();
    }
  });
});

describe('stopping a server with open streams', () => {
  it('ends the streams and stops promptly', async () => {
    const loupe = await startLoupe();
    const client = await openStream(loupe.port, loupe.token);
    await client.waitFor((text) => text.includes(': connected'));
    const ended = new Promise<void>((resolve) => client.response.on('close', () => resolve()));
    const started = performance.now();
    await loupe.stop();
    await ended;
    ok(performance.now() - started < 1_000, 'stop() waited for the stream');
  });
});
