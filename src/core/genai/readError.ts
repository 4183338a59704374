import type { SpanError, SpanStatus } from '../../model/traceTypes';
import type { OtlpEvent, OtlpStatus } from '../../model/otlpTypes';
import { valueNumber, valueString, type AttributeMap } from './attributeMap';

export interface ErrorFacts {
  status: SpanStatus;
  statusMessage?: string;
  error?: SpanError;
  httpStatus?: number;
}

const STATUS_IN_MESSAGE = /^(?:Error code:\s*)?([1-5]\d\d)\b|\bstatus(?: code)?[:= ]\s*([1-5]\d\d)\b/i;

function httpStatusIn(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = STATUS_IN_MESSAGE.exec(text.slice(0, 300));
  return m ? Number(m[1] ?? m[2]) : undefined;
}

function lastException(events: readonly OtlpEvent[]): SpanError | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.name !== 'exception') continue;
    const error: SpanError = {};
    for (const { key, value } of event.attributes) {
      if (key === 'exception.type') error.type = valueString(value);
      else if (key === 'exception.message') error.message = valueString(value);
      else if (key === 'exception.stacktrace') error.stacktrace = valueString(value);
    }
    return error;
  }
  return undefined;
}

/**
 * Status and error details. A span left UNSET but reporting `error.type` or an HTTP error status
 * is marked failed: by the conventions those attributes are only set when the operation failed.
 */
export function readError(status: OtlpStatus | undefined, attrs: AttributeMap, events: readonly OtlpEvent[]): ErrorFacts {
  const code = status?.code ?? 0;
  const statusMessage = status?.message || undefined;
  const errorType = attrs.string('error.type');
  const exception = lastException(events);
  const attributeStack = attrs.string('exception.stacktrace');
  let error: SpanError | undefined = exception;
  if (errorType || attributeStack || attrs.has('exception.message')) {
    error = {
      type: error?.type ?? attrs.string('exception.type') ?? errorType,
      message: error?.message ?? attrs.string('exception.message'),
      stacktrace: error?.stacktrace ?? attributeStack,
    };
  }
  const httpStatus =
    valueNumber(attrs.raw('http.response.status_code')) ??
    valueNumber(attrs.raw('http.status_code')) ??
    (errorType && /^[1-5]\d\d$/.test(errorType) ? Number(errorType) : undefined) ??
    (code === 2 || error ? (httpStatusIn(statusMessage) ?? httpStatusIn(error?.message)) : undefined);

  let spanStatus: SpanStatus = code === 2 ? 'error' : code === 1 ? 'ok' : 'unset';
  if (spanStatus === 'unset' && (errorType || (httpStatus !== undefined && httpStatus >= 400))) spanStatus = 'error';
  // Langfuse marks failures with its observation level and leaves the OTel status unset.
  const level = attrs.string('langfuse.observation.level')?.toUpperCase();
  const levelMessage = attrs.string('langfuse.observation.status_message');
  if (level === 'ERROR' && spanStatus !== 'ok') {
    spanStatus = 'error';
    if (!error) error = { message: levelMessage ?? 'Langfuse level ERROR' };
  }
  if (level === 'WARNING' && levelMessage && !statusMessage) {
    return { status: spanStatus, statusMessage: `warning: ${levelMessage}`, error, httpStatus };
  }
  if (spanStatus === 'error' && !error) error = statusMessage ? { message: statusMessage } : undefined;
  if (error && !error.message && statusMessage) error.message = statusMessage;
  return { status: spanStatus, statusMessage, error, httpStatus };
}
