import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readIntegrationEvents, summarizeSuite } from '../../integration/testResults';
import { workbenchUrl } from '../../integration/workbench';

describe('integration harness', () => {
  const server = { origin: 'http://127.0.0.1:41234', authority: '127.0.0.1:41234' };

  it('builds a workbench URL whose payload names the extension and suite on the remote', () => {
    const url = new URL(
      workbenchUrl(server, {
        workspace: '/tmp/ws one',
        extensionDevelopmentPath: '/repo',
        extensionTestsPath: '/repo/out/integration/suite/index',
      }),
    );
    assert.equal(url.origin, server.origin);
    assert.equal(url.searchParams.get('folder'), '/tmp/ws one');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [
      ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:41234/repo'],
      ['extensionTestsPath', 'vscode-remote://127.0.0.1:41234/repo/out/integration/suite/index'],
    ]);
  });

  it('leaves the tests path out of the payload for interactive UI checks', () => {
    const url = new URL(workbenchUrl(server, { workspace: '/ws', extensionDevelopmentPath: '/repo' }));
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:41234/repo']]);
  });

  it('summarizes reporter events mocha-style and ignores a torn last line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loupe-harness-'));
    try {
      const file = path.join(dir, 'results.jsonl');
      writeFileSync(
        file,
        [
          { event: 'start', total: 3 },
          { event: 'pass', fullTitle: 'a works', durationMs: 5 },
          { event: 'pending', fullTitle: 'b later' },
          { event: 'fail', fullTitle: 'c breaks', message: 'boom', stack: 'Error: boom\n    at c' },
        ]
          .map((event) => JSON.stringify(event))
          .join('\n') + '\n{"event":"end","pas',
      );
      const outcome = summarizeSuite(readIntegrationEvents(file));
      assert.deepEqual(
        { started: outcome.started, ended: outcome.ended, passes: outcome.passes, failures: outcome.failures, pending: outcome.pending },
        { started: true, ended: false, passes: 1, failures: 1, pending: 1 },
      );
      assert.ok(outcome.lines.includes('  ✔ a works (5ms)'));
      assert.ok(outcome.lines.includes('  1 passing'));
      assert.ok(outcome.lines.includes('  1 failing'));
      assert.ok(outcome.lines.some((line) => line.includes('Error: boom')));
      assert.ok(outcome.lines.some((line) => line.includes('did not finish')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a missing results file as no events', () => {
    assert.deepEqual(readIntegrationEvents('/nonexistent/results.jsonl'), []);
    const outcome = summarizeSuite([]);
    assert.equal(outcome.started, false);
    assert.ok(outcome.lines.includes('  0 passing'));
  });
});
