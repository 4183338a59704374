import { parseSpanId, parseTraceId } from '../../src/model/ids';
import type { WebviewView } from '../../src/model/webviewMessages';

/** Reads a view from an address fragment: `#/trace/<id>[/<spanId>]`, `#/overview`, anything else is the list. */
export function viewFromHash(hash: string): WebviewView {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const traceId = parts[0] === 'trace' ? parseTraceId(parts[1]) : undefined;
  if (traceId) {
    const spanId = parseSpanId(parts[2]);
    return spanId ? { page: 'trace', traceId, spanId } : { page: 'trace', traceId };
  }
  if (parts[0] === 'overview') return { page: 'overview' };
  return { page: 'list' };
}

export function hashForView(view: WebviewView): string {
  switch (view.page) {
    case 'trace':
      return view.spanId ? `#/trace/${view.traceId}/${view.spanId}` : `#/trace/${view.traceId}`;
    case 'overview':
      return '#/overview';
    case 'list':
      return '#/';
  }
}
