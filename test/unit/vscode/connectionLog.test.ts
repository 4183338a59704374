import { strict as assert } from 'node:assert';
import { connectionLogLines } from '../../../src/vscode/model/connectionLog';
import type { ConnectionState } from '../../../src/vscode/engine/engineConnection';

const owner = (grpc: number | 'failed' | 'stopped', http: number | 'stopped'): ConnectionState => ({
  role: 'owner',
  receiver: {
    host: '127.0.0.1',
    grpc:
      grpc === 'failed'
        ? { state: 'failed', message: 'port 4317 is in use by another program', name: 'PortUnavailableError', port: 4317 }
        : grpc === 'stopped'
          ? { state: 'stopped' }
          : { state: 'listening', port: grpc },
    http: http === 'stopped' ? { state: 'stopped' } : { state: 'listening', port: http },
  },
});

describe('connection log lines', () => {
  it('names the ports the receivers listen on, and a port that failed with why', () => {
    assert.deepEqual(connectionLogLines(owner(4317, 4318), undefined), [
      { level: 'info', text: 'OTLP/gRPC receiver listening on 127.0.0.1:4317' },
      { level: 'info', text: 'OTLP/HTTP receiver listening on 127.0.0.1:4318' },
    ]);
    assert.deepEqual(connectionLogLines(owner('failed', 4318), undefined)[0], {
      level: 'error',
      text: 'OTLP/gRPC receiver could not start on port 4317: port 4317 is in use by another program',
    });
    assert.deepEqual(
      connectionLogLines(owner('stopped', 'stopped'), owner(4317, 4318)).map((line) => line.text),
      ['OTLP/gRPC receiver stopped', 'OTLP/HTTP receiver stopped'],
    );
  });

  it('says nothing when the state repeats, and notes a joined window losing its live updates', () => {
    assert.deepEqual(connectionLogLines(owner(4317, 4318), owner(4317, 4318)), []);
    const health = {
      status: 'ok',
      version: '0.1.0',
      grpcPort: 4317,
      httpPort: 4318,
      traces: 1,
      spans: 2,
      product: 'loupe',
      pid: 7,
    } as const;
    const joined: ConnectionState = { role: 'joined', baseUrl: 'http://127.0.0.1:4318', health, streamLost: false };
    assert.match(connectionLogLines(joined, undefined)[0].text, /another Loupe at http:\/\/127\.0\.0\.1:4318/);
    assert.deepEqual(connectionLogLines({ ...joined, streamLost: true }, joined), [
      { level: 'warn', text: 'Lost the live updates from http://127.0.0.1:4318; reconnecting' },
    ]);
    assert.deepEqual(connectionLogLines({ ...joined, health: { ...health, traces: 5 } }, joined), []);
  });
});
