import protobuf from 'protobufjs';

/** A google.rpc.Status with a RetryInfo detail, encoded by protobufjs from its published schema. */
export function statusWithRetryInfo(seconds: number, nanos: number): Uint8Array {
  const root = protobuf.parse(`
    syntax = "proto3";
    message Any { string type_url = 1; bytes value = 2; }
    message Duration { int64 seconds = 1; int32 nanos = 2; }
    message RetryInfo { Duration retry_delay = 1; }
    message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  `).root;
  const retryInfo = root.lookupType('RetryInfo');
  const value = retryInfo.encode(retryInfo.create({ retryDelay: { seconds, nanos } })).finish();
  const status = root.lookupType('Status');
  return status
    .encode(
      status.create({
        code: 8,
        message: 'busy',
        details: [
          { typeUrl: 'type.googleapis.com/google.rpc.DebugInfo', value: new Uint8Array([10, 1, 120]) },
          { typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value },
        ],
      }),
    )
    .finish();
}
