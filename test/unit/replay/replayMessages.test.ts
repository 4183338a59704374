import { strict as assert } from 'node:assert';
import { wireRequest } from '../../../src/core/replay/wireRequests';
import { isReplayHostMessageShape, isReplayPageMessage, replayEndpointUrl } from '../../../src/model/replayMessages';
import { REPLAY_APIS, type ReplayDraft } from '../../../src/model/replayTypes';

const draft: ReplayDraft = {
  api: 'openai-chat',
  baseUrl: 'http://localhost:11434/v1/',
  model: 'llama3.2',
  system: 'Be brief.',
  messages: [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
  tools: [{ name: 'f', parameters: { type: 'object' } }],
  parameters: { temperature: 0.5, stop: ['\n\n'] },
};

describe('replay page messages', () => {
  it('lets the page send only well-formed requests', () => {
    for (const good of [
      { type: 'ready' },
      { type: 'run', draft },
      { type: 'cancel' },
      { type: 'keep' },
      { type: 'setKey', api: 'anthropic', baseUrl: 'https://api.anthropic.com' },
      { type: 'openTrace', traceId: 'ab'.repeat(16) },
    ]) {
      assert.ok(isReplayPageMessage(good), JSON.stringify(good));
    }
    for (const bad of [
      null,
      { type: 'run' },
      { type: 'run', draft: { ...draft, api: 'curl' } },
      { type: 'run', draft: { ...draft, parameters: { temperature: 'hot' } } },
      { type: 'run', draft: { ...draft, messages: [{ role: 'user', parts: 'x' }] } },
      { type: 'run', draft: { ...draft, tools: [{ parameters: {} }] } },
      { type: 'run', draft: { ...draft, system: 'x'.repeat(9 * 1024 * 1024) } },
      { type: 'setKey', api: 'openai-chat', baseUrl: 'x'.repeat(3000) },
      { type: 'openTrace', traceId: '../x' },
      { type: 'eval', code: '1' },
    ]) {
      assert.equal(isReplayPageMessage(bad), false, JSON.stringify(bad)?.slice(0, 100));
    }
  });

  it('shows before Run exactly the URL the replay calls', () => {
    for (const api of REPLAY_APIS) {
      if (api === 'vscode-lm') continue;
      assert.equal(replayEndpointUrl(api, draft.baseUrl), wireRequest({ ...draft, api }).url);
    }
    assert.match(replayEndpointUrl('vscode-lm', ''), /^vscode\.lm/);
  });

  it('lets the page accept only the host messages it knows', () => {
    assert.ok(isReplayHostMessageShape({ type: 'result', outcome: { ok: false, message: 'x', endpoint: 'y' } }));
    assert.equal(isReplayHostMessageShape({ type: 'result' }), false);
    assert.equal(isReplayHostMessageShape({ type: 'init', draft: {}, source: {}, hasKey: true, editorModels: [] }), false);
  });
});
