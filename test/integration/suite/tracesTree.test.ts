import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import * as vscode from 'vscode';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';
import { hexId, span, traceRequest } from '../../support/otlpBuilders';
import { agentProvider, EXTENSION_ID, loupe, sendRun, traceInTree, waitFor, type SentRun } from './loupeHarness';

describe('Traces view with spans from the OpenTelemetry SDK', () => {
  let api: LoupeExtensionApi;
  let http: TracerProvider;
  let grpc: TracerProvider;
  let overHttp: SentRun;
  let overGrpc: SentRun;

  before(async () => {
    api = await loupe();
    http = agentProvider(api, 'http');
    grpc = agentProvider(api, 'grpc', 'grpc-agent');
  });

  after(async () => {
    await http?.shutdown();
    await grpc?.shutdown();
    await vscode.commands.executeCommand('loupe.clearFilter');
    await api.connection.clear();
  });

  it('shows runs sent over OTLP/HTTP and OTLP/gRPC as trace rows, newest first', async () => {
    overHttp = await sendRun(http, 'invoke_agent weather (http)');
    overGrpc = await sendRun(grpc, 'invoke_agent weather (grpc)');
    await traceInTree(api, overHttp.traceId, 3);
    await traceInTree(api, overGrpc.traceId, 3);
    const rows = await api.tree.getChildren();
    const ids = rows.map((row) => row.traceId);
    assert.ok(ids.indexOf(overGrpc.traceId) < ids.indexOf(overHttp.traceId), 'newest first');
    const item = api.tree.getTreeItem(rows.find((row) => row.traceId === overGrpc.traceId)!);
    assert.equal(item.label, 'invoke_agent weather (grpc)');
    assert.match(String(item.description), /^\$0\.\d+ · 457 tok · [\d.]+ m?s( · 1 error)?$/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error', 'a failed tool marks the trace');
    assert.equal(item.contextValue, 'loupe.trace.error');
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.equal(tooltip.isTrusted, false);
    assert.equal(tooltip.supportHtml, false);
  });

  it('expands a trace into its span hierarchy with kinds, tokens and sources', async () => {
    // The trace row stands for its single root span (invoke_agent): its children come next.
    const trace = api.tree.element({ type: 'trace', traceId: overHttp.traceId });
    const children = await api.tree.getChildren(trace);
    assert.deepEqual(
      children.map((c) => c.id).sort(),
      [overHttp.llmSpanId, overHttp.toolSpanId].map((id) => `span:${overHttp.traceId}:${id}`).sort(),
    );
    assert.equal(api.tree.getParent(children[0]), trace);
    assert.equal(api.tree.model.rootSpan(overHttp.traceId)?.spanId, overHttp.rootSpanId);
    const llm = api.tree.getTreeItem(children.find((c) => c.id.endsWith(overHttp.llmSpanId))!);
    assert.equal((llm.iconPath as vscode.ThemeIcon).id, 'sparkle');
    assert.match(String(llm.description), /457 tok/);
    assert.equal(llm.contextValue, 'loupe.span.llm.source');
    const tool = api.tree.getTreeItem(children.find((c) => c.id.endsWith(overHttp.toolSpanId))!);
    assert.equal((tool.iconPath as vscode.ThemeIcon).id, 'error');
    assert.equal(tool.collapsibleState, vscode.TreeItemCollapsibleState.None);
  });

  it('keeps the selection when the selected trace grows and new traces arrive', async () => {
    const trace = api.tree.element({ type: 'trace', traceId: overHttp.traceId });
    await vscode.commands.executeCommand('loupe.showTraces');
    await api.treeView.reveal(trace, { select: true, expand: 2, focus: false });
    await waitFor(() => api.treeView.selection[0]?.id === trace.id, 'the trace row to be selected');
    const loads = waitFor(() => api.tree.model.visibleTraces().length >= 3, 'the new trace');
    const third = await sendRun(http, 'invoke_agent weather (third)');
    await loads;
    await traceInTree(api, third.traceId, 3);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(api.treeView.selection[0]?.id, trace.id, 'selection survives the refresh');
    assert.equal(api.treeView.selection[0], trace, 'the same element object');
  });

  it('filters by errors and by text, and clears the filter', async () => {
    await vscode.commands.executeCommand('loupe.filterText', '(grpc)');
    assert.deepEqual(
      api.tree.model.visibleTraces().map((s) => s.traceId),
      [overGrpc.traceId],
    );
    assert.match(api.treeView.description ?? '', /Filtered: "\(grpc\)"/);
    await vscode.commands.executeCommand('loupe.clearFilter');
    assert.ok(api.tree.model.visibleTraces().length >= 3);
    await vscode.commands.executeCommand('loupe.filterErrorsOnly');
    assert.ok(api.tree.model.visibleTraces().every((s) => s.errorCount > 0));
    await vscode.commands.executeCommand('loupe.filterAllTraces');
  });

  it('shows hostile span text in rows and tooltips as inert text', async () => {
    const hostile = `<img src=x onerror="alert(1)"> [run](command:workbench.action.terminal.new) \u202Egnp.exe`;
    const sent = await sendRun(http, hostile);
    await traceInTree(api, sent.traceId, 3);
    const item = api.tree.getTreeItem(api.tree.element({ type: 'trace', traceId: sent.traceId }));
    assert.equal(item.label, hostile.replace(/\s+/g, ' '), 'labels are plain text');
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.equal(tooltip.isTrusted, false);
    assert.equal(tooltip.supportHtml, false);
    assert.doesNotMatch(tooltip.value, /(^|[^\\])[<>[\]]/, 'every angle and square bracket is escaped');
    assert.ok(!tooltip.value.includes('](command:'), tooltip.value);
    assert.ok(tooltip.value.includes('⟪U\\+202E⟫'), 'the bidi override is made visible');
    await api.connection.deleteTrace(sent.traceId);
  });

  it('copies a trace id and deletes a trace from its row', async () => {
    const row = api.tree.element({ type: 'trace', traceId: overGrpc.traceId });
    await vscode.commands.executeCommand('loupe.copyTraceId', row);
    assert.equal(await vscode.env.clipboard.readText(), overGrpc.traceId);
    await vscode.commands.executeCommand('loupe.deleteTrace', row);
    await waitFor(() => !api.tree.model.summary(overGrpc.traceId), 'the deleted trace to leave the view');
    assert.equal(await api.connection.getTrace(overGrpc.traceId), undefined);
  });
});

describe('import and export of OTLP JSON', () => {
  let api: LoupeExtensionApi;
  let scratch: string;

  before(async () => {
    api = await loupe();
    scratch = mkdtempSync(path.join(tmpdir(), 'loupe-export-'));
  });

  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await api.connection.clear();
  });

  it('imports a capture from elsewhere, exports it again, and the export imports back to the same spans', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const capture = vscode.Uri.file(
      path.join(extension.extensionPath, 'test', 'fixtures', 'otlp', 'd-vercel-ai-sdk-with-code-location.otlp.json'),
    );
    const imported = await vscode.commands.executeCommand<string[]>('loupe.importOtlp', capture);
    assert.ok(imported && imported.length > 0);
    const traceId = imported[0];
    await waitFor(() => api.tree.model.summary(traceId), 'the imported trace in the tree');
    const before = await api.connection.getTrace(traceId);

    const file = vscode.Uri.file(path.join(scratch, 'trace.otlp.json'));
    await vscode.commands.executeCommand('loupe.exportTrace', api.tree.element({ type: 'trace', traceId }), file);
    const written = JSON.parse(readFileSync(file.fsPath, 'utf8'));
    assert.ok(Array.isArray(written.resourceSpans));

    await api.connection.deleteTrace(traceId);
    await waitFor(() => !api.tree.model.summary(traceId), 'the deleted trace to leave the view');
    await vscode.commands.executeCommand('loupe.importOtlp', file);
    const after = await waitFor(() => api.connection.getTrace(traceId), 'the re-imported trace');
    assert.deepEqual(
      after.spans.map((s) => [s.spanId, s.name, s.tokens.total]),
      before!.spans.map((s) => [s.spanId, s.name, s.tokens.total]),
    );
  });

  it('refuses a file that is not an OTLP export with a message, storing nothing', async () => {
    const bad = vscode.Uri.file(path.join(scratch, 'not-otlp.json'));
    writeFileSync(bad.fsPath, '{"hello": "world"}');
    const count = (await api.connection.listTraces()).length;
    const result = await vscode.commands.executeCommand('loupe.importOtlp', bad);
    assert.equal(result, undefined);
    assert.equal((await api.connection.listTraces()).length, count);
  });
});

describe('a large trace that keeps growing', () => {
  let api: LoupeExtensionApi;

  before(async () => (api = await loupe()));
  after(async () => api.connection.clear());

  it('reloads its expanded rows at most every 2 s instead of on every change', async () => {
    const traceId = hexId(16);
    const root = hexId(8);
    const children = Array.from({ length: 2_500 }, (_, i) => span(traceId, hexId(8), root, `step ${i}`, 1 + i, 2 + i));
    await api.connection.importOtlp(
      JSON.stringify(traceRequest([span(traceId, root, undefined, 'invoke_agent long run', 0, 3_000), ...children])),
    );
    await traceInTree(api, traceId, 2_501);
    const row = api.tree.element({ type: 'trace', traceId });
    assert.equal((await api.tree.getChildren(row)).length, 2_500);

    const late = hexId(8);
    await api.connection.importOtlp(JSON.stringify(traceRequest([span(traceId, late, root, 'late step', 2_900, 2_950)])));
    await traceInTree(api, traceId, 2_502);
    const soon = await api.tree.getChildren(row);
    assert.equal(soon.length, 2_500, 'the rows loaded a moment ago are shown meanwhile');
    const refreshed = new Promise<void>((resolve) => {
      const listener = api.tree.onDidChangeTreeData((element) => {
        if (element?.id === row.id) {
          listener.dispose();
          resolve();
        }
      });
    });
    await refreshed;
    const later = await api.tree.getChildren(row);
    assert.equal(later.length, 2_501);
    assert.ok(later.some((child) => child.id.endsWith(late)));
  });
});
