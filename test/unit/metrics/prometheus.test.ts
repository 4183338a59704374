import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import { fortyDaysOfRuns, sendRuns, SPANS_PER_RUN } from '../history/fortyDaysOfRuns';

const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0 && spawnSync('promtool', ['--version']).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Prometheus /metrics', function () {
  let runtime: LoupeRuntime;
  let port: number;
  let dir: string;
  let prometheus: ChildProcess | undefined;
  const runs = fortyDaysOfRuns();

  before(async function () {
    if (!hasPrometheus) {
      const message = 'prometheus and promtool are not installed (Debian: apt-get install -y prometheus)';
      if (process.env.CI === 'true') throw new Error(`${message}; CI must install them.`);
      console.log(`      skipped: ${message}`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'loupe-prometheus-'));
    // With a store folder, so the access token is a file Prometheus can be pointed at.
    runtime = await LoupeRuntime.open({
      host: '127.0.0.1',
      grpcPort: 0,
      httpPort: 0,
      maxTraces: 20,
      storeDir: join(dir, 'store'),
      version: '0.0.0-test',
    });
    const status = await runtime.startReceivers();
    port = status.http.state === 'listening' ? status.http.port : 0;
    await sendRuns(port, runs);
    await runtime.engine.flush();
  });
  after(async () => {
    if (prometheus?.pid) process.kill(prometheus.pid, 'SIGTERM');
    await runtime?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${runtime.accessToken}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('passes promtool check metrics', async () => {
    const text = await scrape();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
    for (const name of [
      'loupe_tokens_total',
      'loupe_cost_usd_total',
      'loupe_run_duration_seconds_bucket',
      'loupe_span_duration_seconds_bucket',
    ]) {
      assert.ok(text.includes(`\n${name}{`), name);
    }
    assert.ok(text.includes(`loupe_received_spans_total ${runs.length * SPANS_PER_RUN}`), 'every span received is counted');
  });

  it('needs the access token, as the API does', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="loupe"');
  });

  it('keeps the Host rule of the API', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/metrics', headers: { Host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  });

  it('is scraped by a real Prometheus whose queries return the totals Loupe shows', async function () {
    this.timeout(60_000);
    const promPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        // As the README says: the token file of the store, read by Prometheus at each scrape.
        '  - job_name: loupe',
        '    metrics_path: /metrics',
        '    authorization:',
        `      credentials_file: ${join(dir, 'store', 'auth-token')}`,
        '    static_configs:',
        `      - targets: ['127.0.0.1:${port}']`,
        // Without it the scrape is refused.
        '  - job_name: loupe-without-token',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${port}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    prometheus.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));

    const query = async (expr: string): Promise<number | undefined> => {
      try {
        const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
        const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
        const value = body.data?.result?.[0]?.value[1];
        return value === undefined ? undefined : Number(value);
      } catch {
        return undefined;
      }
    };
    let cost: number | undefined;
    for (let i = 0; i < 200 && cost === undefined; i++) {
      await sleep(150);
      cost = await query('sum(loupe_cost_usd_total)');
    }
    assert.notEqual(cost, undefined, `Prometheus never scraped Loupe: ${log}`);
    let refusedUp: number | undefined;
    for (let i = 0; i < 100 && refusedUp === undefined; i++) {
      refusedUp = await query('up{job="loupe-without-token"}');
      if (refusedUp === undefined) await sleep(150);
    }
    assert.equal(refusedUp, 0, 'a scrape without the token fails');
    assert.equal(await query('up{job="loupe"}'), 1);

    const overview = await runtime.engine.costOverview({ from: 0 + Date.now() - 400 * 86_400_000 });
    assert.ok(Math.abs(cost! - overview.totals.costUsd) < 1e-9, `${cost} vs ${overview.totals.costUsd}`);
    assert.equal(await query('sum(loupe_tokens_total{type="input"})'), overview.totals.tokens.input);
    assert.equal(await query('sum(loupe_tokens_total{type="output"})'), overview.totals.tokens.output);
    assert.equal(await query('sum(loupe_runs_total)'), overview.totals.runs);
    assert.equal(await query('sum(loupe_model_calls_total)'), overview.totals.llmCalls);
    // Run durations are 1.0–1.2 s: all under le=2.5, none under le=0.5.
    assert.equal(await query('sum(loupe_run_duration_seconds_bucket{le="2.5"})'), overview.totals.runs);
    assert.equal(await query('sum(loupe_run_duration_seconds_bucket{le="0.5"})'), 0);
    assert.equal(await query('loupe_evicted_traces_total'), overview.totals.runs - 20);

    // Every query of the Grafana dashboard in the repository parses and finds series (rates need two scrapes).
    for (let i = 0; i < 100 && (await query('count_over_time(loupe_runs_total{agent="coder"}[1m])'))! < 2; i++) await sleep(150);
    const dashboard = JSON.parse(await readFile(join(__dirname, '..', '..', '..', 'docs', 'grafana-loupe.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const expr = target.expr
          .replaceAll('$__range', '400d')
          .replaceAll('$__rate_interval', '1m')
          .replace(/\$(service|agent|model)/g, '.*');
        const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
        const body = (await response.json()) as { status: string; error?: string; data: { result: unknown[] } };
        assert.equal(body.status, 'success', `${panel.title}: ${body.error}`);
        assert.ok(body.data.result.length > 0, `${panel.title}: ${expr} finds nothing`);
      }
    }
  });
});
