import * as assert from 'node:assert/strict';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import * as vscode from 'vscode';
import type { Span, TraceDetail } from '../../../src/model/traceTypes';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';
import type { PanelExchange } from '../../../src/vscode/panels/tracePanels';
import { fromWaterfallColumns, type WaterfallColumns } from '../../../src/model/waterfallColumns';
import { agentProvider, loupe, sendRun, traceInTree, waitFor, type SentRun } from './loupeHarness';

function loupeWebviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('loupe.trace'));
}

describe('trace panels', () => {
  let api: LoupeExtensionApi;
  let provider: TracerProvider;
  let run: SentRun;
  const exchanges: PanelExchange[] = [];
  let listening: vscode.Disposable;

  before(async () => {
    api = await loupe();
    listening = api.panels.onDidExchange((exchange) => exchanges.push(exchange));
    provider = agentProvider(api, 'http');
    run = await sendRun(provider, 'invoke_agent weather (panel)');
    await traceInTree(api, run.traceId, 3);
  });

  after(async () => {
    listening?.dispose();
    await provider?.shutdown();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.connection.clear();
  });

  const answered = (method: string, traceId: string, spanId?: string) =>
    waitFor(
      () =>
        exchanges.find(
          (e) =>
            e.request.method === method &&
            e.request.request.params.traceId === traceId &&
            (!spanId || e.request.request.params.spanId === spanId) &&
            e.response.ok,
        ),
      `the panel to ask for ${method} of ${traceId}${spanId ? `/${spanId}` : ''}`,
      30_000,
    );

  it('Open Trace opens a webview panel that loads the trace through the message protocol', async () => {
    await vscode.commands.executeCommand('loupe.openTrace', api.tree.element({ type: 'trace', traceId: run.traceId }));
    const tab = await waitFor(() => loupeWebviewTabs()[0], 'a Loupe webview tab');
    assert.equal(tab.label, 'Trace: invoke_agent weather (panel)');
    const waterfall = await answered('waterfallColumns', run.traceId);
    const columns = JSON.parse((waterfall.response as { result: string }).result) as WaterfallColumns;
    assert.equal(fromWaterfallColumns(columns).length, 3);
    assert.equal(api.panels.rejected.size, 0, 'the page sent only valid messages');
  });

  it('selecting a span shows its details: the page asks for that span and gets its messages', async () => {
    await vscode.commands.executeCommand(
      'loupe.openTrace',
      api.tree.element({ type: 'span', traceId: run.traceId, spanId: run.llmSpanId }),
    );
    assert.equal(loupeWebviewTabs().length, 1, 'the trace reuses its panel');
    const exchange = await waitFor(
      () =>
        exchanges.find((e) => e.request.method === 'span' && e.request.request.params.spanId === run.llmSpanId && e.response.ok) ??
        exchanges.find((e) => e.request.method === 'getTrace' && e.request.request.params.traceId === run.traceId && e.response.ok),
      'the details of the selected span',
      30_000,
    );
    const result = (exchange.response as { result: Span | TraceDetail }).result;
    const span = 'spans' in result ? result.spans.find((s) => s.spanId === run.llmSpanId)! : result;
    assert.equal(span.model, 'gpt-4o-mini');
    assert.equal(span.tokens.total, 457);
    assert.equal(span.messages.input[0]?.role, 'user');
  });

  it('restores a panel from its saved state (the serializer path a window reload takes)', async () => {
    const before = exchanges.length;
    const panel = vscode.window.createWebviewPanel('loupe.trace', 'restoring', vscode.ViewColumn.Active, {});
    // What the page saved with setState: UI state only.
    await api.panels.deserializeWebviewPanel(panel, { view: { page: 'overview' }, listQuery: {} });
    assert.equal(api.panels.panelFor({ page: 'overview' }), panel);
    assert.equal(panel.title, 'Loupe: All Traces');
    await waitFor(
      () => exchanges.slice(before).find((e) => e.request.method === 'overallBreakdown' && e.response.ok),
      'the restored page to load its view',
      30_000,
    );
    // A saved state that is not a view restores the overview rather than failing.
    const odd = vscode.window.createWebviewPanel('loupe.trace', 'odd', vscode.ViewColumn.Active, {});
    await api.panels.deserializeWebviewPanel(odd, { view: { page: 'trace', traceId: '<script>' } });
    await waitFor(() => loupeWebviewTabs().length === 2, 'the duplicate restored panel to close');
  });
});
