import type { LoupeApi } from './api';
import type { WebviewRequest, WebviewResponse } from './webviewMessages';

async function resultOf(api: LoupeApi, request: WebviewRequest): Promise<unknown> {
  const params = request.params as { traceId?: string; spanId?: string };
  switch (request.method) {
    case 'listTraces':
      return api.listTraces(request.params as WebviewRequest<'listTraces'>['params']);
    case 'getTrace':
      return (await api.getTrace(params.traceId!)) ?? null;
    case 'getSpan':
      return (await api.span(params.traceId!, params.spanId!)) ?? null;
    case 'waterfall':
      return (await api.waterfallColumns(params.traceId!)) ?? null;
    case 'breakdown':
      return (await api.breakdown(params.traceId!)) ?? null;
    case 'overallBreakdown':
      return api.overallBreakdown();
  }
}

/**
 * The host side of a webview request: asks the engine and wraps the answer (or the failure) in
 * the response the webview waits for. The request must already have passed `isWebviewRequest`.
 */
export async function answerWebviewRequest(api: LoupeApi, request: WebviewRequest): Promise<WebviewResponse> {
  try {
    const result = await resultOf(api, request);
    return { type: 'response', id: request.id, ok: true, result } as WebviewResponse;
  } catch (error) {
    return { type: 'response', id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
