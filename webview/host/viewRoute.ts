import { isSpanId, isTraceId, type WebviewView } from '../../src/model/webviewMessages';

/** Reads a view from an address fragment: `#/trace/<id>[/<spanId>]`, `#/overview`, anything else is the list. */
export function viewFromHash(hash: string): WebviewView {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'trace' && isTraceId(parts[1])) {
    const traceId = parts[1].toLowerCase();
    return isSpanId(parts[2]) ? { page: 'trace', traceId, spanId: parts[2].toLowerCase() } : { page: 'trace', traceId };
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
