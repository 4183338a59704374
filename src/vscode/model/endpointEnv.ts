/** Where an agent on this machine should send its OTLP traces to reach Loupe. */
export interface LoupeEndpoint {
  /** The address Loupe listens on; wildcard addresses are reached through loopback. */
  host: string;
  httpPort: number;
  grpcPort: number | null;
}

function connectHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === '0.0.0.0' || bare === '') return '127.0.0.1';
  if (bare === '::') return '[::1]';
  return bare.includes(':') ? `[${bare}]` : bare;
}

/** The environment variables every OpenTelemetry SDK reads (Python, Node, Java, Go, .NET). */
export function endpointEnvironment(endpoint: LoupeEndpoint): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://${connectHost(endpoint.host)}:${endpoint.httpPort}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  };
}

export type ShellFlavour = 'posix' | 'powershell';

/** Lines to paste in a terminal (or a `.env`-sourcing script) before starting the agent. */
export function endpointSetupText(endpoint: LoupeEndpoint, shell: ShellFlavour): string {
  const env = endpointEnvironment(endpoint);
  const lines = Object.entries(env).map(([name, value]) =>
    shell === 'powershell' ? `$env:${name}="${value}"` : `export ${name}=${value}`,
  );
  const grpc = endpoint.grpcPort ? ` (OTLP/gRPC: http://${connectHost(endpoint.host)}:${endpoint.grpcPort})` : '';
  return [`# Send OpenTelemetry traces from Python or Node to Loupe${grpc}`, ...lines, ''].join('\n');
}

/**
 * A launch configuration's env with Loupe's endpoint added. Values the configuration sets itself
 * win: a user who points one program elsewhere keeps that.
 */
export function withEndpointEnvironment(env: unknown, endpoint: LoupeEndpoint): Record<string, string | null> {
  const own = typeof env === 'object' && env !== null && !Array.isArray(env) ? (env as Record<string, string | null>) : {};
  return { ...endpointEnvironment(endpoint), ...own };
}
