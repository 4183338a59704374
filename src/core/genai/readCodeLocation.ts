import type { CodeLocation } from '../../model/traceTypes';
import type { OtlpEvent } from '../../model/otlpTypes';
import { valueString, type AttributeMap } from './attributeMap';
import { firstUserFrame } from '../../model/stackFrames';

function eventStacktrace(events: readonly OtlpEvent[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.name !== 'exception') continue;
    for (const kv of event.attributes) if (kv.key === 'exception.stacktrace') return valueString(kv.value);
  }
  return undefined;
}

function fromStack(text: string | undefined): CodeLocation | undefined {
  if (!text) return undefined;
  const frame = firstUserFrame(text);
  if (!frame) return undefined;
  return { filePath: frame.filePath, line: frame.line, column: frame.column, function: frame.function, source: 'stacktrace' };
}

/**
 * Where in the user's code the span was made: `code.*` attributes (current and older names), else
 * the innermost user frame of `code.stacktrace` or of a recorded exception.
 */
export function readCodeLocation(attrs: AttributeMap, events: readonly OtlpEvent[]): CodeLocation | undefined {
  const filePath = attrs.string('code.file.path') ?? attrs.string('code.filepath');
  if (filePath) {
    const fn = attrs.string('code.function.name') ?? attrs.string('code.function');
    const namespace = attrs.has('code.function.name') ? undefined : attrs.string('code.namespace');
    const line = attrs.number('code.line.number') ?? attrs.number('code.lineno');
    const column = attrs.number('code.column.number') ?? attrs.number('code.column');
    return {
      filePath,
      line: line !== undefined && line > 0 ? Math.trunc(line) : undefined,
      column: column !== undefined && column > 0 ? Math.trunc(column) : undefined,
      function: fn && namespace ? `${namespace}.${fn}` : fn,
      source: 'attributes',
    };
  }
  return fromStack(attrs.string('code.stacktrace')) ?? fromStack(attrs.string('exception.stacktrace') ?? eventStacktrace(events));
}
