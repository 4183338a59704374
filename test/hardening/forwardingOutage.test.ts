import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForwardingStatus } from '../../src/model/continuousForwarding';
import { bearer, startServe, type ServeProcess } from '../support/cliProcess';
import { OtlpTarget, waitFor } from '../support/otlpTarget';
import { SdkSender } from '../support/sdkSender';

const OUTAGE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The acceptance test of continuous forwarding: `loupe serve --forward-to` with its default
 * batching and backoff, a real OTLP target on a loopback port that goes away for 10 s (its port
 * closed) while an agent keeps sending with the real SDK, then comes back: every span arrives,
 * exactly once, and the log tells of the outage in two lines (down, back), not one per retry.
 */
describe('continuous forwarding through a 10 s outage of its target', function () {
  this.timeout(90_000);
  let store: string;
  let serve: ServeProcess | undefined;
  let target: OtlpTarget | undefined;
  let sender: SdkSender | undefined;

  beforeEach(async () => (store = await mkdtemp(join(tmpdir(), 'loupe-forward-outage-'))));
  afterEach(async () => {
    await sender?.shutdown().catch(() => undefined);
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await target?.stop();
    await rm(store, { recursive: true, force: true });
    serve = sender = target = undefined;
  });

  for (const protocol of ['http/protobuf', 'grpc'] as const) {
    it(`${protocol}: a target down for 10 s and back receives every span once`, async () => {
      target = await OtlpTarget.start(protocol === 'grpc' ? 'grpc' : 'http');
      serve = await startServe(
        ['--grpc-port', '0', '--http-port', '0', '--store', store, '--forward-to', target.endpoint, '--forward-protocol', protocol],
        20_000,
        { ...process.env, LOUPE_FORWARD_HEADERS: 'authorization=Bearer%20team-token,x-team=agents' },
      );
      const api = `http://127.0.0.1:${serve.httpPort}`;
      const forwarding = async () =>
        (await (await fetch(`${api}/api/forwarding`, { headers: bearer(serve!.token) })).json()) as ForwardingStatus;
      sender = new SdkSender('grpc', serve.grpcPort);

      const sent: string[] = [];
      for (let i = 0; i < 4; i++) sent.push(...sender.run(`before ${i}`, 49));
      await sender.flush();
      assert.ok(await waitFor(() => target!.counts().size === sent.length, 10_000), 'the spans sent before the outage arrive');
      const authorization = target.accepted[0].headers.authorization;
      assert.equal(authorization, 'Bearer team-token', 'headers from the environment');

      await target.stop();
      const downAt = Date.now();
      let runs = 0;
      while (Date.now() - downAt < OUTAGE_MS) {
        sent.push(...sender.run(`during ${runs++}`, 19));
        await sleep(500);
      }
      await sender.flush();
      const during = await forwarding();
      assert.equal(during.state, 'retrying');
      assert.ok(during.queuedSpans > 0 && during.downSince !== undefined, JSON.stringify(during));
      await target.listen();
      const backAt = Date.now();

      assert.ok(
        await waitFor(() => target!.counts().size === sent.length, 20_000),
        `${target.counts().size} of ${sent.length} spans arrived`,
      );
      const counts = target.counts();
      assert.deepEqual(
        { missing: sent.filter((id) => !counts.has(id)).length, twice: [...counts.values()].filter((n) => n > 1).length },
        { missing: 0, twice: 0 },
      );
      console.log(
        `      ${sent.length} spans (${runs} runs during the outage); all delivered ${((Date.now() - backAt) / 1000).toFixed(1)} s after the target came back`,
      );
      assert.ok(await waitFor(() => /works again/.test(serve!.output()), 5_000));
      // The target counts a batch when it arrives; Loupe counts it once the answer is back.
      let after = await forwarding();
      for (let i = 0; i < 100 && after.queuedSpans > 0; i++) {
        await sleep(50);
        after = await forwarding();
      }
      assert.deepEqual(
        {
          state: after.state,
          forwarded: after.forwardedSpans,
          dropped: after.droppedSpans,
          failed: after.failedSpans,
          queued: after.queuedSpans,
        },
        { state: 'ok', forwarded: sent.length, dropped: 0, failed: 0, queued: 0 },
      );
      const metrics = await (await fetch(`${api}/metrics`, { headers: bearer(serve!.token) })).text();
      assert.match(metrics, new RegExp(`^loupe_forwarded_spans_total ${sent.length}$`, 'm'));
      assert.match(metrics, /^loupe_forward_state\{state="ok"\} 1$/m);

      // One line when forwarding started, one when the target went down, one when it came back: none per retry.
      const lines = serve
        .output()
        .split('\n')
        .filter((line) => /[Ff]orwarding/.test(line));
      assert.equal(lines.length, 3, lines.join('\n'));
      assert.match(lines[0], new RegExp(`Forwarding every span received to ${target.endpoint} \\(${protocol}\\)`));
      assert.match(lines[1], /^Warning: Forwarding to .* failed: .*Spans are kept and sent again when it answers/);
      assert.match(lines[2], /^Forwarding to .* works again: [\d,]+ spans sent/);

      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0);
    });
  }
});
