import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ProtobufReader } from '../otlp/protobufReader';
import { tidyServerText } from '../../model/forwardResult';

/** `google.rpc.Status.message`: field 2, length-delimited. */
const STATUS_MESSAGE_TAG = (2 << 3) | 2;

/**
 * The message in an error answer: OTLP/HTTP servers send a `google.rpc.Status` (protobuf or
 * JSON), others plain text, JSON or an HTML error page. Undefined when there is nothing readable.
 */
export function serverMessageOf(contentType: string, body: Uint8Array): string | undefined {
  if (body.byteLength === 0) return undefined;
  const type = contentType.toLowerCase();
  if (type.includes('protobuf')) return nonEmpty(statusMessageOf(body));
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (type.includes('json')) return nonEmpty(jsonMessageOf(text) ?? tidyServerText(text));
  if (type.includes('html')) return nonEmpty(tidyServerText(text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')));
  return nonEmpty(tidyServerText(text));
}

function nonEmpty(text: string | undefined): string | undefined {
  return text ? text : undefined;
}

function statusMessageOf(body: Uint8Array): string | undefined {
  try {
    const reader = new ProtobufReader(body);
    let message: string | undefined;
    while (reader.pos < reader.length) {
      const tag = reader.tag();
      if (tag === STATUS_MESSAGE_TAG) message = reader.string(reader.length);
      else reader.skip(tag, reader.length, 'Status', []);
    }
    return message === undefined ? undefined : tidyServerText(message);
  } catch {
    return undefined;
  }
}

function jsonMessageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const error = parsed.error as { message?: unknown } | string | undefined;
    const message = parsed.message ?? (typeof error === 'string' ? error : error?.message);
    return typeof message === 'string' ? tidyServerText(message) : undefined;
  } catch {
    return undefined;
  }
}

/** Spans a successful OTLP answer says were refused (`partial_success`), with the server's note. */
export function partialSuccessOf(contentType: string, body: Uint8Array): { rejectedSpans: number; message?: string } | undefined {
  if (body.byteLength === 0) return undefined;
  try {
    let rejected: unknown;
    let message: unknown;
    if (contentType.toLowerCase().includes('json')) {
      const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as {
        partialSuccess?: { rejectedSpans?: unknown; errorMessage?: unknown };
      };
      rejected = parsed.partialSuccess?.rejectedSpans;
      message = parsed.partialSuccess?.errorMessage;
    } else {
      const partial = ProtobufTraceSerializer.deserializeResponse(body).partialSuccess;
      rejected = partial?.rejectedSpans;
      message = partial?.errorMessage;
    }
    const rejectedSpans = Number(rejected ?? 0);
    const note = typeof message === 'string' && message !== '' ? tidyServerText(message) : undefined;
    if (!(rejectedSpans > 0) && !note) return undefined;
    return { rejectedSpans: rejectedSpans > 0 ? rejectedSpans : 0, message: note };
  } catch {
    // A success whose body we cannot read is still a success.
    return undefined;
  }
}
