import * as vscode from 'vscode';
import { agentTelemetryEnvironment } from '../model/agentSetup';
import { endpointEnvironment, withEndpointEnvironment, type LoupeEndpoint } from '../model/endpointEnv';

/** Debug types whose launch configurations take an `env` map: js-debug's Node types and the Python debugger. */
export const INJECTED_DEBUG_TYPES = ['node', 'pwa-node', 'python', 'debugpy'] as const;

/**
 * The zero-config endpoint: while on, every new integrated terminal and every Node or Python
 * debug session started from VS Code gets OTEL_EXPORTER_OTLP_ENDPOINT/PROTOCOL pointing at Loupe;
 * terminals also get what the coding-agent CLIs need to send their telemetry (prompts excluded).
 */
export class EndpointInjection implements vscode.DebugConfigurationProvider, vscode.Disposable {
  private endpoint: LoupeEndpoint | undefined;
  private enabled = false;
  private readonly registrations: vscode.Disposable[];

  constructor(private readonly collection: vscode.GlobalEnvironmentVariableCollection) {
    // Ports can change between sessions; restored terminals should not keep stale ones.
    collection.persistent = false;
    this.registrations = INJECTED_DEBUG_TYPES.map((type) => vscode.debug.registerDebugConfigurationProvider(type, this));
  }

  get active(): boolean {
    return this.enabled && this.endpoint !== undefined;
  }

  update(enabled: boolean, endpoint: LoupeEndpoint | undefined): void {
    this.enabled = enabled;
    this.endpoint = endpoint;
    this.collection.clear();
    if (!enabled || !endpoint) {
      this.collection.description = undefined;
      return;
    }
    const env = endpointEnvironment(endpoint);
    for (const [name, value] of Object.entries({ ...agentTelemetryEnvironment(endpoint), ...env })) this.collection.replace(name, value);
    this.collection.description = new vscode.MarkdownString(
      `Loupe: sends OpenTelemetry traces, log events and metrics (coding agents included) to \`${env.OTEL_EXPORTER_OTLP_ENDPOINT}\` (turn off with the \`loupe.env.injectEndpoint\` setting)`,
    );
  }

  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    if (!this.active || !this.endpoint) return configuration;
    return { ...configuration, env: withEndpointEnvironment(configuration.env, this.endpoint) };
  }

  dispose(): void {
    for (const registration of this.registrations) registration.dispose();
  }
}
