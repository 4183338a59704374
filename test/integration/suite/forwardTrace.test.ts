import * as assert from 'node:assert/strict';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import * as vscode from 'vscode';
import type { ForwardResult } from '../../../src/model/forwardResult';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';
import { agentProvider, loupe, sendRun, traceInTree, waitFor, type SentRun } from './loupeHarness';

describe('Forward Trace…', () => {
  let api: LoupeExtensionApi;
  let provider: TracerProvider;
  let run: SentRun;
  let target: LoupeRuntime;
  let targetPorts: { grpc: number; http: number };

  before(async () => {
    api = await loupe();
    provider = agentProvider(api, 'http');
    run = await sendRun(provider, 'invoke_agent weather (forward)');
    await traceInTree(api, run.traceId, 3);
    // A second, independent receiver in this process stands in for Jaeger.
    target = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, version: 'target' });
    const status = await target.startReceivers();
    targetPorts = {
      grpc: status.grpc.state === 'listening' ? status.grpc.port : 0,
      http: status.http.state === 'listening' ? status.http.port : 0,
    };
    await vscode.workspace.getConfiguration('loupe').update(
      'forward.targets',
      [
        {
          name: 'Test Jaeger (gRPC)',
          protocol: 'otlp-grpc',
          endpoint: `http://127.0.0.1:${targetPorts.grpc}`,
          uiUrl: 'http://127.0.0.1:16686/trace/{traceId}',
        },
        { name: 'Test collector (HTTP)', protocol: 'otlp-http', endpoint: `http://127.0.0.1:${targetPorts.http}` },
        { name: 'Nobody home', protocol: 'otlp-http', endpoint: 'http://127.0.0.1:9' },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await waitFor(() => api.settings.settings.forwardTargets.length === 3, 'the new forward targets');
  });

  after(async () => {
    await provider?.shutdown();
    await target?.close();
    await vscode.workspace.getConfiguration('loupe').update('forward.targets', undefined, vscode.ConfigurationTarget.Global);
    await api.connection.clear();
  });

  it('delivers the trace over OTLP/gRPC from the engine thread, with the link to the target UI', async () => {
    const row = api.tree.element({ type: 'trace', traceId: run.traceId });
    const result = await vscode.commands.executeCommand<ForwardResult>('loupe.forwardTrace', row, 'Test Jaeger (gRPC)');
    assert.deepEqual(result, { ok: true, spanCount: 3, traceUrl: `http://127.0.0.1:16686/trace/${run.traceId}` });
    const arrived = await target.engine.getTrace(run.traceId);
    assert.deepEqual(arrived?.spans.map((s) => s.name).sort(), [
      'chat gpt-4o-mini',
      'execute_tool get_weather',
      'invoke_agent weather (forward)',
    ]);
    assert.equal(arrived?.spans.find((s) => s.spanId === run.llmSpanId)?.tokens.total, 457);
  });

  it('delivers over OTLP/HTTP too, and a target that is down gives a clear error while nothing local changes', async () => {
    const row = api.tree.element({ type: 'span', traceId: run.traceId, spanId: run.llmSpanId });
    await target.engine.clear();
    const http = await vscode.commands.executeCommand<ForwardResult>('loupe.forwardTrace', row, 'Test collector (HTTP)');
    assert.equal(http.ok, true);
    assert.equal((await target.engine.getTrace(run.traceId))?.spans.length, 3);
    const started = Date.now();
    const down = await vscode.commands.executeCommand<ForwardResult>('loupe.forwardTrace', row, 'Nobody home');
    assert.equal(down.ok, false);
    assert.match(down.ok ? '' : down.error.message, /Could not reach "Nobody home"/);
    assert.ok(Date.now() - started < 12_000);
    assert.equal((await api.connection.getTrace(run.traceId))?.spans.length, 3, 'the local trace is untouched');
  });
});
