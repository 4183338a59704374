/**
 * The one error the OTLP decoders throw. Its message names what was wrong and where, and is meant
 * to be sent back to the sender as the HTTP 400 / gRPC INVALID_ARGUMENT text.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
