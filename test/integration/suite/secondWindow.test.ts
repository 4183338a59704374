import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import * as vscode from 'vscode';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import type { TraceChange } from '../../../src/model/traceTypes';
import { EngineConnection, type ConnectionOptions } from '../../../src/vscode/engine/engineConnection';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';
import { TracesTreeProvider } from '../../../src/vscode/tree/tracesTreeProvider';
import { agentProvider, EXTENSION_ID, loupe, sendRun, traceInTree, waitFor } from './loupeHarness';

describe('a second window joins the first', () => {
  let api: LoupeExtensionApi;
  let provider: TracerProvider;
  let options: ConnectionOptions;

  before(async () => {
    api = await loupe();
    provider = agentProvider(api, 'http');
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    // What another window of this VS Code would open: the same store folder, the same settings.
    options = {
      workerScript: path.join(extension.extensionPath, 'dist', 'engineWorker.js'),
      engine: { host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir: api.connection.storeDir, version: 'second window' },
      autoStart: true,
      retryMs: 200,
    };
  });

  after(async () => {
    await provider?.shutdown();
    await api.connection.clear();
  });

  it('finds the store owned by this window, joins it, and sees new spans live', async () => {
    const second = EngineConnection.open(options);
    try {
      await second.settled();
      assert.equal(second.state.role, 'joined');
      assert.equal(second.endpoint()?.httpPort, api.connection.endpoint()?.httpPort, 'agents keep one endpoint');
      const changes: TraceChange[] = [];
      second.subscribe((change) => changes.push(change));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const run = await sendRun(provider, 'invoke_agent weather (two windows)');
      await traceInTree(api, run.traceId, 3);
      await waitFor(
        () => changes.some((c) => c.upserted.some((s) => s.traceId === run.traceId && s.spanCount === 3)),
        'the change in the second window',
      );
      assert.equal((await second.getTrace(run.traceId))?.spans.length, 3);
      // The Traces view lists with its own limit, which the REST API must accept.
      const tree = new TracesTreeProvider(second);
      try {
        await tree.reload();
        assert.ok(tree.model.summary(run.traceId), 'a joined window lists the traces');
      } finally {
        tree.dispose();
      }
    } finally {
      await second.close();
    }
    assert.equal(api.connection.state.role, 'owner', 'the first window keeps owning');
  });

  it('joins a Loupe that holds the configured HTTP port (loupe serve)', async () => {
    // With its own store, as `loupe serve` has: the window reads the token file its 401 names.
    const serveStore = mkdtempSync(path.join(tmpdir(), 'loupe-serve-store-'));
    const serve = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir: serveStore, version: 'serve' });
    const status = await serve.startReceivers();
    const httpPort = status.http.state === 'listening' ? status.http.port : 0;
    const third = EngineConnection.open({ ...options, engine: { ...options.engine, httpPort, storeDir: undefined } });
    try {
      await third.settled();
      assert.equal(third.state.role, 'joined');
      assert.equal((await third.health()).version, 'serve');
    } finally {
      await third.close();
      await serve.close();
      rmSync(serveStore, { recursive: true, force: true });
    }
  });
});
