import { strict as assert } from 'node:assert';
import { HttpLoupe } from '../../../src/core/host/httpLoupe';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import { environmentKeyFor } from '../../../src/core/replay/environmentKeys';
import type { ReplayDraft } from '../../../src/model/replayTypes';
import { send } from '../receiver/httpClient';
import { FakeModelServer } from './fakeModelServer';

describe('replay through the API (what loupe serve and a joined window use)', function () {
  this.timeout(20_000);
  const fake = new FakeModelServer();
  let runtime: LoupeRuntime;
  let client: HttpLoupe;
  let port: number;
  let draft: ReplayDraft;
  const saved = { OPENAI_API_KEY: process.env.OPENAI_API_KEY, OPENAI_BASE_URL: process.env.OPENAI_BASE_URL };

  before(async () => {
    const fakePort = await fake.start();
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, version: 'test' });
    const status = await runtime.startReceivers();
    port = status.http.state === 'listening' ? status.http.port : 0;
    client = new HttpLoupe(`http://127.0.0.1:${port}`, { token: runtime.accessToken });
    draft = {
      api: 'openai-chat',
      baseUrl: `http://127.0.0.1:${fakePort}/v1`,
      model: 'gpt-4o-mini',
      system: '',
      messages: [{ role: 'user', parts: [{ type: 'text', content: 'Hello?' }] }],
      tools: [],
      parameters: {},
    };
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  after(async () => {
    await runtime.close();
    await fake.stop();
  });

  it('runs the draft in the engine with the key the caller gives, priced by the engine', async () => {
    const outcome = await client.replay(draft, { apiKey: 'sk-from-secret-storage' });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    assert.equal(fake.last.headers.authorization, 'Bearer sk-from-secret-storage');
    assert.equal(fake.last.body.messages[0].content, 'Hello?');
    assert.ok(outcome.costUsd !== null && outcome.costUsd > 0);
  });

  it('takes OPENAI_API_KEY from the environment only for the server it belongs to', async () => {
    process.env.OPENAI_API_KEY = 'sk-env-key';
    delete process.env.OPENAI_BASE_URL;
    assert.ok((await client.replay(draft)).ok);
    assert.equal(fake.last.headers.authorization, undefined, 'the key of api.openai.com went to another server');
    process.env.OPENAI_BASE_URL = draft.baseUrl;
    assert.ok((await client.replay(draft)).ok);
    assert.equal(fake.last.headers.authorization, 'Bearer sk-env-key');
    assert.equal(environmentKeyFor('openai-chat', 'https://api.openai.com/v1', { OPENAI_API_KEY: 'k' }), 'k');
    assert.equal(environmentKeyFor('anthropic', 'https://api.anthropic.com', { OPENAI_API_KEY: 'k' }), undefined);
    assert.equal(environmentKeyFor('anthropic', 'https://api.anthropic.com', { ANTHROPIC_API_KEY: 'a' }), 'a');
    assert.equal(environmentKeyFor('openai-chat', 'https://evil.example/v1', { OPENAI_API_KEY: 'k' }), undefined);
  });

  it('refuses a malformed draft, and a web page of another origin, sending nothing', async () => {
    const sentBefore = fake.received.length;
    const body = JSON.stringify({ draft: { ...draft, api: 'curl' } });
    const bad = await send({
      port,
      token: runtime.accessToken,
      method: 'POST',
      path: '/api/replay',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /draft must be a replay draft/);
    const foreign = await send({
      port,
      token: runtime.accessToken,
      method: 'POST',
      path: '/api/replay',
      headers: { 'Content-Type': 'application/json', Origin: 'http://attacker.example' },
      body: JSON.stringify({ draft }),
    });
    assert.equal(foreign.status, 403);
    assert.equal(fake.received.length, sentBefore);
  });
});
