import { deepStrictEqual, match, ok, strictEqual } from 'node:assert';
import type { SessionDetail, SessionSummary } from '../../../src/model/sessionTypes';
import { send } from '../receiver/httpClient';
import { startLoupe } from '../server/liveLoupe';
import { recordedRuns } from './recordedRuns';

/** `GET /api/sessions` and `GET /api/sessions/{id}` on a real server, after real recorded runs arrived over OTLP/HTTP. */
describe('session REST API', () => {
  let loupe: Awaited<ReturnType<typeof startLoupe>>;
  const get = (path: string) => send({ port: loupe.port, token: loupe.token, path });

  before(async () => {
    loupe = await startLoupe();
    for (const run of recordedRuns().filter((r) => r.scenario === 'tool-roundtrip' && r.agent !== 'codex')) {
      for (const request of run.requests) {
        const reply = await send({
          port: loupe.port,
          token: loupe.token,
          method: 'POST',
          path: request.path,
          headers: { 'Content-Type': request.contentType, 'Content-Encoding': 'gzip' },
          body: request.gzipBody,
        });
        strictEqual(reply.status, 200, reply.text);
      }
    }
  });
  after(() => loupe.stop());

  it('lists sessions newest first in the documented shape', async () => {
    const reply = await get('/api/sessions');
    strictEqual(reply.status, 200);
    const sessions = JSON.parse(reply.text) as SessionSummary[];
    deepStrictEqual(sessions.map((s) => s.service).sort(), ['claude-code', 'gemini-cli', 'github-copilot']);
    ok(
      sessions.every((s, i) => i === 0 || s.endTime <= sessions[i - 1].endTime),
      'newest first',
    );
    for (const key of [
      'sessionId',
      'service',
      'agent',
      'startTime',
      'endTime',
      'traceIds',
      'turns',
      'llmCalls',
      'toolCalls',
      'tokens',
      'costUsd',
      'errorCount',
    ]) {
      ok(key in sessions[0], key);
    }
    deepStrictEqual(Object.keys(sessions[0].tokens).sort(), ['cacheRead', 'cacheWrite', 'input', 'output', 'reasoning', 'total']);
    strictEqual((JSON.parse((await get('/api/sessions?limit=1')).text) as unknown[]).length, 1);
    const claude = JSON.parse((await get('/api/sessions?q=CLAUDE')).text) as SessionSummary[];
    deepStrictEqual(
      claude.map((s) => s.service),
      ['claude-code'],
    );
  });

  it('gives one session with its turns: prompt, model calls and tool calls with arguments and results', async () => {
    const [claude] = JSON.parse((await get('/api/sessions?q=claude-code')).text) as SessionSummary[];
    const reply = await get(`/api/sessions/${encodeURIComponent(claude.sessionId)}`);
    strictEqual(reply.status, 200);
    const detail = JSON.parse(reply.text) as SessionDetail;
    strictEqual(detail.turns.length, 1);
    const [turn] = detail.turns;
    match(turn.prompt!, /^Read the file notes\.txt/);
    strictEqual(turn.llmCalls.length, 2);
    strictEqual(turn.toolCalls[0].name, 'Read');
    match(JSON.stringify(turn.toolCalls[0].arguments), /notes\.txt/);
    match(String(turn.toolCalls[0].result), /PELICAN/);
  });

  it('answers an unknown session with 404 and bad filters with 400', async () => {
    const missing = await get('/api/sessions/no-such-session');
    strictEqual(missing.status, 404);
    match(missing.text, /No session no-such-session/);
    strictEqual((await get('/api/sessions?limit=zero')).status, 400);
    strictEqual((await get(`/api/sessions?q=${'x'.repeat(1001)}`)).status, 400);
    strictEqual((await get(`/api/sessions/${'y'.repeat(1001)}`)).status, 400);
  });
});
