import * as assert from 'node:assert/strict';
import { endpointEnvironment, endpointSetupText, withEndpointEnvironment } from '../../../src/vscode/model/endpointEnv';

describe('zero-config endpoint environment', () => {
  const endpoint = { host: '127.0.0.1', httpPort: 4318, grpcPort: 4317 };

  it('points the OTLP exporter at the HTTP receiver with protobuf', () => {
    assert.deepEqual(endpointEnvironment(endpoint), {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
    assert.equal(endpointEnvironment({ ...endpoint, host: '0.0.0.0' }).OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
    assert.equal(endpointEnvironment({ ...endpoint, host: '::1' }).OTEL_EXPORTER_OTLP_ENDPOINT, 'http://[::1]:4318');
  });

  it('writes setup lines for POSIX shells and PowerShell', () => {
    assert.equal(
      endpointSetupText(endpoint, 'posix'),
      '# Send OpenTelemetry traces from Python or Node to Loupe (OTLP/gRPC: http://127.0.0.1:4317)\nexport OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\nexport OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n',
    );
    assert.match(
      endpointSetupText({ ...endpoint, grpcPort: null }, 'powershell'),
      /^# Send OpenTelemetry traces from Python or Node to Loupe\n\$env:OTEL_EXPORTER_OTLP_ENDPOINT="http:\/\/127\.0\.0\.1:4318"\n/,
    );
  });

  it('adds the endpoint to a launch configuration without overriding its own values', () => {
    assert.deepEqual(withEndpointEnvironment(undefined, endpoint), endpointEnvironment(endpoint));
    assert.deepEqual(withEndpointEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', DEBUG: '1' }, endpoint), {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      DEBUG: '1',
    });
    assert.deepEqual(withEndpointEnvironment(['not', 'an', 'object'], endpoint), endpointEnvironment(endpoint));
  });
});
