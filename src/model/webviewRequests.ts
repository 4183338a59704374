import { API, type LoupeApi } from './api';
import { BadRequest, readArgs, writeRequest, type Route } from './apiRoutes';
import type { WebviewRequest, WebviewResponse } from './webviewMessages';

/**
 * The host side of a webview request: reads the arguments with the route's own readers, asks the
 * engine and wraps the answer (or the failure) in the response the webview waits for. The request
 * must already have passed `isWebviewRequest`.
 */
export async function answerWebviewRequest(api: LoupeApi, message: WebviewRequest): Promise<WebviewResponse> {
  try {
    const route = API[message.method] as Route<unknown[], unknown>;
    const args = readArgs(route, message.request);
    if (args instanceof BadRequest) return { type: 'response', id: message.id, ok: false, error: args.message };
    const result = await (api[message.method] as (...a: unknown[]) => Promise<unknown>)(...args);
    return { type: 'response', id: message.id, ok: true, result };
  } catch (error) {
    return { type: 'response', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The request a webview sends for `method(...args)`. */
export function webviewRequest(id: number, method: WebviewRequest['method'], args: readonly unknown[]): WebviewRequest {
  const { params, query } = writeRequest(API[method] as Route<unknown[], unknown>, [...args]);
  return { type: 'request', id, method, request: { params, query } };
}
