import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeRuntime, type RuntimeOptions } from '../../../src/core/host/loupeRuntime';
import type { ForwardingStatus } from '../../../src/model/continuousForwarding';
import { OtlpTarget, waitFor } from '../../support/otlpTarget';
import { SdkSender } from '../../support/sdkSender';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { statusWithRetryInfo } from './grpcRetryInfo';

/** Short batching and backoff keep these tests quick; the defaults run the same code. */
const QUICK = { batchDelayMs: 50, initialBackoffMs: 100, maxBackoffMs: 300, timeoutMs: 2_000 };

interface Running {
  runtime: LoupeRuntime;
  sender: SdkSender;
  changes: ForwardingStatus[];
}

async function startLoupe(options: Partial<RuntimeOptions>, via: 'http' | 'grpc' = 'http'): Promise<Running> {
  const changes: ForwardingStatus[] = [];
  const runtime = await LoupeRuntime.open({
    host: '127.0.0.1',
    grpcPort: 0,
    httpPort: 0,
    version: '0.0.0-test',
    ...options,
    forwarder: { ...QUICK, ...options.forwarder },
    onForwardingStatus: (status, changed) => {
      if (changed) changes.push(status);
    },
  });
  const status = await runtime.startReceivers();
  const listener = via === 'http' ? status.http : status.grpc;
  assert.equal(listener.state, 'listening');
  return { runtime, sender: new SdkSender(via, listener.state === 'listening' ? listener.port : 0), changes };
}

function exactlyOnce(target: OtlpTarget, ids: readonly string[]): void {
  const counts = target.counts();
  const missing = ids.filter((id) => !counts.has(id));
  const repeated = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual({ missing: missing.length, repeated: repeated.length }, { missing: 0, repeated: 0 });
  assert.equal(counts.size, ids.length, 'no span the sender did not send');
}

describe('continuous forwarding', function () {
  this.timeout(20_000);
  let running: Running | undefined;
  let target: OtlpTarget | undefined;

  afterEach(async () => {
    await running?.sender.shutdown().catch(() => undefined);
    await running?.runtime.close();
    await target?.stop();
    running = undefined;
    target = undefined;
  });

  for (const [receivedOver, forwardedOver] of [
    ['http', 'http'],
    ['grpc', 'grpc'],
    ['grpc', 'http'],
  ] as const) {
    it(`sends every span received over OTLP/${receivedOver} on to an OTLP/${forwardedOver} target, once`, async () => {
      target = await OtlpTarget.start(forwardedOver);
      running = await startLoupe(
        { forwarding: { endpoint: target.endpoint, protocol: forwardedOver === 'grpc' ? 'grpc' : 'http/protobuf' } },
        receivedOver,
      );
      const ids = [...running.sender.run('plan', 40), ...running.sender.run('act', 300)];
      await running.sender.flush();
      assert.ok(await waitFor(() => target!.counts().size >= ids.length, 10_000), `got ${target.counts().size} of ${ids.length}`);
      exactlyOnce(target, ids);
      await running.runtime.forwarder.whenIdle();
      const status = await running.runtime.engine.forwardingStatus();
      assert.equal(status.state, 'ok');
      assert.equal(status.forwardedSpans, ids.length);
      assert.equal(status.queuedSpans, 0);
      // Batched: far fewer requests than spans (the SDK itself sends in batches of up to 256).
      assert.ok(target.requests <= 10, `${target.requests} requests`);
      const service = target.accepted[0].request.resourceSpans[0].resource?.attributes.find((a) => a.key === 'service.name');
      assert.equal(service?.value.stringValue, 'forwarded-agent', 'the resource goes with the spans');
    });
  }

  it('forwards the redacted form that was stored, never the secret that was received', async () => {
    target = await OtlpTarget.start('http');
    running = await startLoupe({ forwarding: { endpoint: target.endpoint, protocol: 'http/protobuf' }, redact: ['customer.ssn'] });
    const ids = running.sender.run('login', 1, {
      'customer.ssn': '123-45-6789',
      'openai.api_key': 'sk-live-abcdefgh12345678',
      user: 'ada',
    });
    await running.sender.flush();
    assert.ok(await waitFor(() => target!.counts().size >= ids.length, 10_000));
    const sent = JSON.stringify(target.spans());
    assert.ok(!sent.includes('123-45-6789') && !sent.includes('sk-live-abcdefgh12345678'), sent);
    const stored = await running.runtime.engine.exportOtlp(target.spans()[0].traceId);
    const storedValue = (key: string) =>
      stored?.resourceSpans[0].scopeSpans[0].spans[0].attributes.find((a) => a.key === key)?.value.stringValue;
    const sentValue = (key: string) => target!.spans()[0].attributes.find((a) => a.key === key)?.value.stringValue;
    for (const key of ['customer.ssn', 'openai.api_key', 'user']) assert.equal(sentValue(key), storedValue(key), key);
  });

  it('forwards large prompts whole from a Loupe whose store keeps them once by content hash', async () => {
    const store = await mkdtemp(join(tmpdir(), 'loupe-forward-store-'));
    try {
      target = await OtlpTarget.start('http');
      running = await startLoupe({ storeDir: store, forwarding: { endpoint: target.endpoint, protocol: 'http/protobuf' } });
      const prompt = `You are a careful agent. ${'Summarise the ticket and plan the tool calls. '.repeat(4000)}`;
      const ids = running.sender.run('chat', 3, { 'gen_ai.prompt': prompt, 'gen_ai.request.model': 'gpt-4o' });
      await running.sender.flush();
      assert.ok(await waitFor(() => target!.counts().size >= ids.length, 10_000));
      const prompts = target.spans().map((span) => span.attributes.find((a) => a.key === 'gen_ai.prompt')?.value.stringValue);
      assert.deepEqual(
        prompts.map((p) => p === prompt),
        ids.map(() => true),
        'every span carries the whole prompt, not a reference into the store',
      );
    } finally {
      await running?.sender.shutdown();
      await running?.runtime.close();
      running = undefined;
      await rm(store, { recursive: true, force: true });
    }
  });

  it('gives up a batch the target refuses for good (HTTP 400), reports it, and keeps forwarding the next', async () => {
    target = await OtlpTarget.start('http');
    target.answer = () => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'schema check failed' });
    running = await startLoupe({ forwarding: { endpoint: target.endpoint, protocol: 'http/protobuf' } });
    const refused = running.sender.run('refused', 9);
    await running.sender.flush();
    assert.ok(await waitFor(() => running!.changes.some((s) => s.state === 'dropping'), 5_000));
    // Give a retry every chance to happen: none does.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(target.requests, 1, 'a permanent refusal is not retried');
    let status = await running.runtime.engine.forwardingStatus();
    assert.equal(status.state, 'dropping');
    assert.equal(status.failedSpans, refused.length);
    assert.equal(status.queuedSpans, 0);
    assert.match(status.dropReason ?? '', /10 spans were refused and dropped: .*HTTP 400 Bad Request: schema check failed/);
    target.answer = () => ({ accept: true });
    const later = running.sender.run('accepted', 4);
    await running.sender.flush();
    assert.ok(await waitFor(() => target!.counts().size >= later.length, 5_000));
    exactlyOnce(target, later);
    status = await running.runtime.engine.forwardingStatus();
    assert.equal(status.state, 'ok');
    assert.deepEqual(
      running.changes.map((s) => s.state),
      ['ok', 'dropping', 'ok'],
    );
  });

  it('honours Retry-After on a 503 and delivers once the target takes it', async () => {
    target = await OtlpTarget.start('http');
    let refusals = 0;
    target.answer = () => (refusals++ < 1 ? { status: 503, headers: { 'retry-after': '1' } } : { accept: true });
    running = await startLoupe({ forwarding: { endpoint: target.endpoint, protocol: 'http/protobuf' } });
    const ids = running.sender.run('busy', 3);
    const sentAt = Date.now();
    await running.sender.flush();
    assert.ok(await waitFor(() => target!.counts().size >= ids.length, 5_000));
    const waited = Date.now() - sentAt;
    // The backoff alone would have retried within 300 ms.
    assert.ok(waited >= 950, `retried after ${waited} ms`);
    exactlyOnce(target, ids);
    assert.ok(await waitFor(() => running!.changes.length === 3, 2_000));
    assert.deepEqual(
      running.changes.map((s) => s.state),
      ['ok', 'retrying', 'ok'],
    );
  });

  it('gRPC RESOURCE_EXHAUSTED with RetryInfo is retried after the wait it names; without one it is final', async () => {
    target = await OtlpTarget.start('grpc');
    const busy = (withRetryInfo: boolean) => {
      const metadata = new Metadata();
      if (withRetryInfo) metadata.set('grpc-status-details-bin', Buffer.from(statusWithRetryInfo(1, 0)));
      return { grpcError: { code: GrpcStatus.RESOURCE_EXHAUSTED, details: 'busy', metadata } };
    };
    let answers = [busy(true)];
    target.answer = () => answers.shift() ?? { accept: true };
    running = await startLoupe({ forwarding: { endpoint: target.endpoint, protocol: 'grpc' } });
    const ids = running.sender.run('throttled', 2);
    const sentAt = Date.now();
    await running.sender.flush();
    assert.ok(await waitFor(() => target!.counts().size >= ids.length, 5_000));
    assert.ok(Date.now() - sentAt >= 950, `retried after ${Date.now() - sentAt} ms, not after the 1 s asked for`);
    exactlyOnce(target, ids);

    answers = [busy(false)];
    const requestsBefore = target.requests;
    const refused = running.sender.run('too big', 2);
    await running.sender.flush();
    assert.ok(await waitFor(() => running!.changes.at(-1)?.state === 'dropping', 5_000));
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(target.requests - requestsBefore, 1, 'not retried');
    assert.match((await running.runtime.engine.forwardingStatus()).dropReason ?? '', /RESOURCE_EXHAUSTED \(8\): busy/);
    assert.equal((await running.runtime.engine.forwardingStatus()).failedSpans, refused.length);
  });

  it('drops the oldest spans when the queue is full, counts them, and delivers the newest when the target is back', async () => {
    target = await OtlpTarget.start('http');
    const port = target.port;
    await target.stop();
    running = await startLoupe({
      forwarding: { endpoint: `http://127.0.0.1:${port}`, protocol: 'http/protobuf' },
      forwarder: { maxQueueSpans: 30, maxBatchSpans: 10, initialBackoffMs: 200, maxBackoffMs: 200 },
    });
    const runs: string[][] = [];
    for (let i = 0; i < 6; i++) {
      runs.push(running.sender.run(`run ${i}`, 9));
      await running.sender.flush();
      await running.runtime.engine.flush();
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    assert.ok(await waitFor(() => running!.changes.some((s) => s.state === 'dropping'), 5_000));
    let status = await running.runtime.engine.forwardingStatus();
    assert.equal(status.state, 'dropping');
    assert.equal(status.queuedSpans, 30);
    assert.equal(status.droppedSpans, 30);
    assert.match(status.dropReason ?? '', /queue is full \(at most 30 spans/);
    const metrics = await (
      await fetch(`http://127.0.0.1:${httpPortOf(running.runtime)}/metrics`, {
        headers: { authorization: `Bearer ${running.runtime.accessToken}` },
      })
    ).text();
    assert.match(metrics, /^loupe_forward_dropped_spans_total 30$/m);
    assert.match(metrics, /^loupe_forward_queued_spans 30$/m);
    assert.match(metrics, /^loupe_forward_state\{state="dropping"\} 1$/m);

    target = await OtlpTarget.start('http', port);
    const newest = runs.slice(3).flat();
    assert.ok(await waitFor(() => target!.counts().size >= newest.length, 5_000));
    await new Promise((resolve) => setTimeout(resolve, 300));
    exactlyOnce(target, newest);
    status = await running.runtime.engine.forwardingStatus();
    assert.deepEqual(
      { state: status.state, forwarded: status.forwardedSpans, dropped: status.droppedSpans, queued: status.queuedSpans },
      { state: 'ok', forwarded: 30, dropped: 30, queued: 0 },
    );
  });

  it('is off by default: nothing is sent anywhere, not even to the OTEL_EXPORTER_OTLP_ENDPOINT of its environment', async () => {
    target = await OtlpTarget.start('http');
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = target.endpoint;
    try {
      running = await startLoupe({});
      const ids = running.sender.run('private', 20);
      await running.sender.flush();
      await running.runtime.engine.flush();
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await running.runtime.engine.stats()).spans, ids.length, 'Loupe got them');
      assert.equal(target.requests, 0, 'nothing was forwarded');
      const status = await running.runtime.engine.forwardingStatus();
      assert.deepEqual(status, {
        state: 'off',
        queuedSpans: 0,
        queuedBytes: 0,
        forwardedSpans: 0,
        failedSpans: 0,
        droppedSpans: 0,
      });
      assert.equal((await running.runtime.engine.health()).forwarding, 'off');
      const rest = (await (
        await fetch(`http://127.0.0.1:${httpPortOf(running.runtime)}/api/forwarding`, {
          headers: { authorization: `Bearer ${running.runtime.accessToken}` },
        })
      ).json()) as ForwardingStatus;
      assert.equal(rest.state, 'off');
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    }
  });

  for (const [name, endpointOf] of [
    ['its own OTLP/HTTP port', (http: number) => `http://127.0.0.1:${http}`],
    ['its own port under the name localhost', (http: number) => `http://localhost:${http}/`],
    ['its own port on the wildcard address', (http: number) => `http://0.0.0.0:${http}`],
  ] as const) {
    it(`refuses to forward to ${name} (every span would loop back in) and says so`, async () => {
      running = await startLoupe({});
      const http = httpPortOf(running.runtime);
      const endpoint = endpointOf(http);
      const status = await running.runtime.setForwarding({ endpoint, protocol: 'http/protobuf' });
      assert.equal(status.state, 'off');
      assert.match(status.problem ?? '', /is this Loupe's own OTLP receiver, so every span would come back in/);
      const ids = running.sender.run('no loop', 5);
      await running.sender.flush();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await running.runtime.engine.flush();
      assert.equal((await running.runtime.engine.stats()).spans, ids.length, 'each span stored once, none sent back in');
      assert.equal((await running.runtime.engine.forwardingStatus()).forwardedSpans, 0);
    });
  }

  it('refuses its own gRPC port given at start, before and after the receivers bind it', async () => {
    const probe = await OtlpTarget.start('grpc');
    const port = probe.port;
    await probe.stop();
    running = await startLoupe({ grpcPort: port, forwarding: { endpoint: `http://127.0.0.1:${port}`, protocol: 'grpc' } });
    assert.equal(running.runtime.receiverStatus.grpc.state, 'listening');
    const status = await running.runtime.engine.forwardingStatus();
    assert.equal(status.state, 'off');
    assert.match(status.problem ?? '', /own OTLP receiver/);
    assert.deepEqual(
      running.changes.map((s) => [s.state, Boolean(s.problem)]),
      [['off', true]],
      'never on, and the refusal is announced once',
    );
  });
});

function httpPortOf(runtime: LoupeRuntime): number {
  const http = runtime.receiverStatus.http;
  return http.state === 'listening' ? http.port : 0;
}
