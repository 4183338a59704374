import { randomBytes } from 'node:crypto';

/** A trace id that cannot occur by chance in the rest of an encoded request. */
export const TEMPLATE_TRACE_ID = 'feedc0de5eed0bad1dea5afe0ddba11a';

export type WireFormat = 'protobuf' | 'json';

/**
 * A pre-encoded export request whose spans all carry `TEMPLATE_TRACE_ID`; `withTraceId` copies
 * it with another id, so a sender can emit distinct traces without encoding anything.
 */
export class RequestTemplate {
  private readonly offsets: number[];
  private readonly pattern: Buffer;

  constructor(
    readonly bytes: Buffer,
    readonly format: WireFormat,
    readonly spanCount: number,
  ) {
    this.pattern = format === 'protobuf' ? Buffer.from(TEMPLATE_TRACE_ID, 'hex') : Buffer.from(TEMPLATE_TRACE_ID, 'latin1');
    this.offsets = [];
    for (let at = bytes.indexOf(this.pattern); at !== -1; at = bytes.indexOf(this.pattern, at + this.pattern.length)) this.offsets.push(at);
    if (this.offsets.length < spanCount) throw new Error(`template holds ${this.offsets.length} trace ids for ${spanCount} spans`);
  }

  withTraceId(traceId: string): Buffer {
    // allocUnsafe + copy is a memcpy; Buffer.from(buffer) copies byte by byte.
    const copy = Buffer.allocUnsafe(this.bytes.length);
    this.bytes.copy(copy);
    const id = this.format === 'protobuf' ? Buffer.from(traceId, 'hex') : Buffer.from(traceId, 'latin1');
    for (const at of this.offsets) id.copy(copy, at);
    return copy;
  }
}

export function randomTraceId(): string {
  return randomBytes(16).toString('hex');
}
