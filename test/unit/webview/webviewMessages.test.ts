import { strict as assert } from 'node:assert';
import { isHostToWebviewMessage, isWebviewToHostMessage, isWebviewView } from '../../../src/model/webviewMessages';
import { webviewRequest } from '../../../src/model/webviewRequests';

const traceId = '0af7651916cd43dd8448eb211c80319c';

describe('webview messages', () => {
  it('accepts well-formed requests and commands', () => {
    const good: unknown[] = [
      webviewRequest(1, 'listTraces', [{}]),
      webviewRequest(2, 'listTraces', [{ limit: 50, status: 'error', q: 'chat' }]),
      webviewRequest(3, 'getTrace', [traceId]),
      webviewRequest(4, 'waterfallColumns', [traceId]),
      webviewRequest(7, 'span', [traceId, 'b7ad6b7169203331']),
      webviewRequest(5, 'breakdown', [traceId]),
      webviewRequest(6, 'overallBreakdown', []),
      { type: 'ready' },
      { type: 'revealSource', location: { filePath: '/src/agent.ts', line: 12, column: 3 } },
      { type: 'revealSource', location: { filePath: 'C:\\work\\agent.py', line: 7 } },
      { type: 'revealSource', location: { filePath: 'src/agent.ts' } },
      { type: 'openTrace', traceId, spanId: 'b7ad6b7169203331' },
      webviewRequest(8, 'compare', [{ version: '1.0.0', attr: [{ key: 'env', value: 'prod' }] }, { version: '1.1.0' }]),
      webviewRequest(9, 'diff', [traceId, traceId]),
      webviewRequest(10, 'modelCallDiff', [traceId, 'b7ad6b7169203331', traceId, 'b7ad6b7169203332']),
      { type: 'openView', view: { page: 'diff', traceA: traceId, traceB: traceId } },
      { type: 'openView', view: { page: 'compare', a: 'version=1', b: 'version=2' } },
      { type: 'replaySpan', traceId, spanId: 'b7ad6b7169203331' },
    ];
    for (const message of good) assert.ok(isWebviewToHostMessage(message), JSON.stringify(message));
  });

  it('refuses anything malformed or unknown', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { ...webviewRequest(1, 'listTraces', [{}]), id: -1 },
      { ...webviewRequest(1, 'listTraces', [{}]), id: 1.5 },
      // Queries that change data, or are not in the table at all, are not the webview's to make.
      { type: 'request', id: 1, method: 'deleteTrace', request: { params: { traceId }, query: [] } },
      { type: 'request', id: 1, method: 'clear', request: { params: {}, query: [] } },
      { type: 'request', id: 1, method: 'constructor', request: { params: {}, query: [] } },
      { type: 'request', id: 1, method: '__proto__', request: { params: {}, query: [] } },
      { type: 'request', id: 1, method: 'getTrace' },
      { type: 'request', id: 1, method: 'getTrace', request: { params: { traceId: 42 }, query: [] } },
      { type: 'request', id: 1, method: 'getTrace', request: { params: { traceId }, query: [], body: '{}' } },
      { type: 'request', id: 1, method: 'listTraces', request: { params: {}, query: [['q']] } },
      { type: 'request', id: 1, method: 'listTraces', request: { params: {}, query: [['q', 'x'.repeat(5000)]] } },
      { type: 'revealSource', location: { filePath: '' } },
      { type: 'revealSource', location: { filePath: "javascript:alert('x')", line: 1 } },
      { type: 'revealSource', location: { filePath: 'node:internal/process/task_queues', line: 95 } },
      { type: 'revealSource', location: { filePath: 'https://example.com/app.js', line: 1 } },
      { type: 'revealSource', location: { filePath: '<anonymous>', line: 1 } },
      { type: 'revealSource', location: { filePath: '/a.ts', line: -3 } },
      { type: 'revealSource' },
      { type: 'openTrace', traceId: 'nope' },
      { type: 'openTrace', traceId, spanId: 42 },
      { type: 'replaySpan', traceId },
      { type: 'replaySpan', traceId: 'nope', spanId: 'b7ad6b7169203331' },
      { type: 'show', view: { page: 'list' } },
      { type: 'openView', view: { page: 'trace', traceId } },
      { type: 'openView', view: { page: 'diff', traceA: traceId, traceB: 'nope' } },
      { type: 'openView', view: { page: 'compare', a: 'x'.repeat(5000), b: '' } },
    ];
    for (const message of bad) assert.equal(isWebviewToHostMessage(message), false, JSON.stringify(message)?.slice(0, 120));
  });

  it('checks what the host sends to the webview', () => {
    assert.ok(isHostToWebviewMessage({ type: 'response', id: 1, ok: true, result: [] }));
    assert.ok(isHostToWebviewMessage({ type: 'response', id: 1, ok: false, error: 'boom' }));
    assert.ok(isHostToWebviewMessage({ type: 'traceChange', change: { upserted: [], removed: [], cleared: false } }));
    assert.ok(isHostToWebviewMessage({ type: 'show', view: { page: 'trace', traceId } }));
    assert.equal(isHostToWebviewMessage({ type: 'response', id: 1, ok: false }), false);
    assert.equal(isHostToWebviewMessage({ type: 'show', view: { page: 'trace', traceId: 'x' } }), false);
    assert.equal(isHostToWebviewMessage({ type: 'eval', code: '1' }), false);
    assert.equal(isWebviewView({ page: 'overview' }), true);
  });
});

describe('compare and diff routes', () => {
  it('read back from the address fragment they write', async () => {
    const { hashForView, viewFromHash } = await import('../../../webview/host/viewRoute');
    const views = [
      { page: 'compare', a: 'version=1.0.0&attr=env:prod', b: 'traceIds=a,b' },
      { page: 'diff', traceA: traceId, traceB: 'ffffffffffffffffffffffffffffffff' },
    ] as const;
    for (const view of views) assert.deepEqual(viewFromHash(hashForView(view)), view);
    assert.deepEqual(viewFromHash('#/diff/nope/nope'), { page: 'list' });
  });
});
