import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';
import { OtlpTarget } from '../../support/otlpTarget';
import { agentProvider, listeningPorts, loupe, sendRun, waitFor } from './loupeHarness';

describe('continuous forwarding', () => {
  let api: LoupeExtensionApi;
  let target: OtlpTarget;
  const config = () => vscode.workspace.getConfiguration('loupe');
  const tooltip = () => api.status.lastView?.tooltipLines.join('\n') ?? '';

  before(async () => {
    api = await loupe();
    target = await OtlpTarget.start('http');
  });

  after(async () => {
    await vscode.commands.executeCommand('loupe.setForwardingHeaders', '');
    await config().update('forwarding.continuous.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.settings.settings.forwarding.endpoint === '' || undefined, 'forwarding off again');
    await target?.stop();
    await api.connection.clear();
  });

  it('is off by default', async () => {
    assert.equal(api.settings.settings.forwarding.endpoint, '');
    assert.equal((await api.connection.forwardingStatus()).state, 'off');
    assert.doesNotMatch(tooltip(), /[Ff]orwarding/);
  });

  it('one setting turns it on live: spans go to the target with the headers from secret storage, and the status bar says so', async () => {
    await vscode.commands.executeCommand('loupe.setForwardingHeaders', 'x-team=agents,authorization=Bearer%20k1');
    await config().update('forwarding.continuous.endpoint', target.endpoint, vscode.ConfigurationTarget.Global);
    await waitFor(async () => (await api.connection.forwardingStatus()).state === 'ok', 'forwarding on');
    const provider = agentProvider(api, 'grpc');
    const run = await sendRun(provider, 'invoke_agent weather (forwarded)');
    await provider.shutdown();
    await waitFor(() => target.counts().size >= run.spanCount || undefined, 'the run at the target');
    assert.deepEqual(
      [run.rootSpanId, run.llmSpanId, run.toolSpanId].map((id) => target.counts().get(id)),
      [1, 1, 1],
    );
    assert.equal(target.accepted[0].headers['x-team'], 'agents');
    assert.equal(target.accepted[0].headers.authorization, 'Bearer k1');
    await waitFor(
      () => /Forwarding every span to http:\/\/127\.0\.0\.1:\d+ \(http\/protobuf\)/.test(tooltip()) || undefined,
      'the tooltip line',
    );
  });

  it("refuses Loupe's own receiver as the endpoint, and says so", async () => {
    const own = `http://127.0.0.1:${listeningPorts(api).httpPort}`;
    await config().update('forwarding.continuous.endpoint', own, vscode.ConfigurationTarget.Global);
    const status = await waitFor(async () => {
      const s = await api.connection.forwardingStatus();
      return s.problem ? s : undefined;
    }, 'the refusal');
    assert.equal(status.state, 'off');
    assert.match(status.problem ?? '', /own OTLP receiver/);
    await waitFor(() => /Continuous forwarding is off: .*own OTLP receiver/.test(tooltip()) || undefined, 'the refusal in the tooltip');
    assert.equal(api.status.lastView?.severity, 'warning');
  });
});
