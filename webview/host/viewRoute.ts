import { parseSpanId, parseTraceId } from '../../src/model/ids';
import type { WebviewView } from '../../src/model/webviewMessages';

/**
 * Reads a view from an address fragment: `#/trace/<id>[/<spanId>]`, `#/overview`, `#/costs`, `#/sessions`,
 * `#/session/<id>` (URI-encoded), `#/compare?a=<filter>&b=<filter>`, `#/diff/<traceA>/<traceB>`;
 * anything else is the list.
 */
export function viewFromHash(hash: string): WebviewView {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const traceId = parts[0] === 'trace' ? parseTraceId(parts[1]) : undefined;
  if (traceId) {
    const spanId = parseSpanId(parts[2]);
    return spanId ? { page: 'trace', traceId, spanId } : { page: 'trace', traceId };
  }
  if (parts[0] === 'overview') return { page: 'overview' };
  const traceA = parts[0] === 'diff' ? parseTraceId(parts[1]) : undefined;
  const traceB = parts[0] === 'diff' ? parseTraceId(parts[2]) : undefined;
  if (traceA && traceB) return { page: 'diff', traceA, traceB };
  if (parts[0] === 'compare' || parts[0].startsWith('compare?')) {
    const query = new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
    return { page: 'compare', a: (query.get('a') ?? '').slice(0, 4096), b: (query.get('b') ?? '').slice(0, 4096) };
  }
  if (parts[0] === 'costs') return { page: 'costs' };
  if (parts[0] === 'sessions') return { page: 'sessions' };
  if (parts[0] === 'session' && parts[1]) {
    try {
      const sessionId = decodeURIComponent(parts.slice(1).join('/'));
      if (sessionId.length > 0 && sessionId.length <= 1000) return { page: 'session', sessionId };
    } catch {
      // A malformed escape is no session: the list is shown.
    }
  }
  return { page: 'list' };
}

export function hashForView(view: WebviewView): string {
  switch (view.page) {
    case 'trace':
      return view.spanId ? `#/trace/${view.traceId}/${view.spanId}` : `#/trace/${view.traceId}`;
    case 'overview':
      return '#/overview';
    case 'costs':
      return '#/costs';
    case 'sessions':
      return '#/sessions';
    case 'session':
      return `#/session/${encodeURIComponent(view.sessionId)}`;
    case 'list':
      return '#/';
    case 'compare':
      return `#/compare?${new URLSearchParams({ a: view.a, b: view.b }).toString()}`;
    case 'diff':
      return `#/diff/${view.traceA}/${view.traceB}`;
  }
}
