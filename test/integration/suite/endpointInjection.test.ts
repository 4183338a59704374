import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';
import { listeningPorts, loupe, waitFor } from './loupeHarness';

describe('zero-config endpoint', () => {
  let api: LoupeExtensionApi;
  let scratch: string;

  before(async () => {
    api = await loupe();
    scratch = mkdtempSync(path.join(tmpdir(), 'loupe-terminal-'));
  });

  after(async () => {
    await vscode.workspace.getConfiguration('loupe').update('env.injectEndpoint', undefined, vscode.ConfigurationTarget.Global);
    for (const terminal of vscode.window.terminals) terminal.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reaches a new integrated terminal once turned on, and shows in the status bar', async () => {
    await vscode.commands.executeCommand('loupe.enableEndpointInjection');
    await waitFor(() => api.injection.active, 'the injection to turn on');
    assert.match(api.status.lastView?.text ?? '', /\$\(terminal\)/);
    const out = path.join(scratch, 'endpoint.txt');
    const terminal = vscode.window.createTerminal({
      name: 'loupe env check',
      shellPath: '/bin/sh',
      shellArgs: [
        '-c',
        `printf '%s %s %s %s' "$OTEL_EXPORTER_OTLP_ENDPOINT" "$OTEL_EXPORTER_OTLP_PROTOCOL" "$CLAUDE_CODE_ENABLE_TELEMETRY" "$GEMINI_TELEMETRY_OTLP_ENDPOINT" > "${out}.tmp" && mv "${out}.tmp" "${out}"`,
      ],
    });
    const written = await waitFor(() => existsSync(out) && readFileSync(out, 'utf8'), 'the terminal to write its environment', 20_000);
    terminal.dispose();
    const base = `http://127.0.0.1:${listeningPorts(api).httpPort}`;
    // The coding-agent CLIs' own switches come too (Claude Code, Gemini CLI).
    assert.equal(written, `${base} http/protobuf 1 ${base}`);
  });

  it('adds the endpoint to Node and Python launch configurations, keeping their own values', () => {
    const node = api.injection.resolveDebugConfiguration(undefined, {
      type: 'node',
      request: 'launch',
      name: 'agent',
      env: { DEBUG: '1' },
    });
    assert.equal(node.env.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${listeningPorts(api).httpPort}`);
    assert.equal(node.env.DEBUG, '1');
    const python = api.injection.resolveDebugConfiguration(undefined, {
      type: 'debugpy',
      request: 'launch',
      name: 'agent',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
    });
    assert.equal(python.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://collector:4318');
  });

  it('copies setup lines for Python/Node and turns off again', async () => {
    const text = await vscode.commands.executeCommand<string>('loupe.copyEndpointSetup');
    assert.match(text, new RegExp(`export OTEL_EXPORTER_OTLP_ENDPOINT=http://127\\.0\\.0\\.1:${listeningPorts(api).httpPort}\\n`));
    assert.equal(await vscode.env.clipboard.readText(), text);
    await vscode.commands.executeCommand('loupe.disableEndpointInjection');
    await waitFor(() => !api.injection.active, 'the injection to turn off');
    const plain = api.injection.resolveDebugConfiguration(undefined, { type: 'node', request: 'launch', name: 'agent' });
    assert.equal(plain.env, undefined);
  });
});
