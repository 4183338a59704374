import { SPAN_KINDS, type SpanKind } from '../../src/model/traceTypes';

/** Kind colours as the stylesheet defines them (`--loupe-kind-*`), for drawing on a canvas. */
export function kindColors(from: Element): Record<SpanKind, string> {
  const style = getComputedStyle(from);
  const colors = {} as Record<SpanKind, string>;
  for (const kind of SPAN_KINDS) colors[kind] = style.getPropertyValue(`--loupe-kind-${kind}`).trim() || '#888';
  return colors;
}
