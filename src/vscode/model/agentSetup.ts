import { endpointEnvironment, type LoupeEndpoint, type ShellFlavour } from './endpointEnv';

/** The coding agents Loupe can set up, by how their telemetry is turned on. */
export type CodingAgent = 'claudeCode' | 'codex' | 'geminiCli' | 'copilotCli';

export const CODING_AGENTS: readonly { id: CodingAgent; label: string; detail: string }[] = [
  { id: 'claudeCode', label: 'Claude Code', detail: 'environment variables for the terminal that starts `claude`' },
  { id: 'codex', label: 'Codex CLI', detail: 'an [otel] section for ~/.codex/config.toml' },
  { id: 'geminiCli', label: 'Gemini CLI', detail: 'environment variables for the terminal that starts `gemini`' },
  { id: 'copilotCli', label: 'Copilot CLI', detail: 'environment variables for the terminal that starts `copilot`' },
];

function httpBase(endpoint: LoupeEndpoint): string {
  return endpointEnvironment(endpoint).OTEL_EXPORTER_OTLP_ENDPOINT;
}

/**
 * What each agent needs to send its telemetry (traces, log events, metrics) to Loupe, without
 * prompt capture: set in every terminal by the zero-config endpoint. Agent-specific switches only
 * touch their agent; `OTEL_LOGS_EXPORTER` and `OTEL_METRICS_EXPORTER` also let other SDKs in the
 * terminal send log events and metrics, which Loupe reads too.
 */
export function agentTelemetryEnvironment(endpoint: LoupeEndpoint): Record<string, string> {
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    COPILOT_OTEL_ENABLED: 'true',
    GEMINI_TELEMETRY_ENABLED: 'true',
    GEMINI_TELEMETRY_TARGET: 'local',
    GEMINI_TELEMETRY_USE_COLLECTOR: 'true',
    GEMINI_TELEMETRY_OTLP_PROTOCOL: 'http',
    GEMINI_TELEMETRY_OTLP_ENDPOINT: httpBase(endpoint),
  };
}

/** The environment lines of one agent: what it needs, then (commented) what adds prompts. */
function envLines(env: Record<string, string>, prompts: Record<string, string>, shell: ShellFlavour): string[] {
  const line = (name: string, value: string) => (shell === 'powershell' ? `$env:${name}="${value}"` : `export ${name}=${value}`);
  return [
    ...Object.entries(env).map(([name, value]) => line(name, value)),
    '# Also record the prompts and tool details (they stay on this machine, in Loupe):',
    ...Object.entries(prompts).map(([name, value]) => `# ${line(name, value)}`),
  ];
}

/** Copy-ready setup for one agent, pointing it at Loupe's HTTP receiver. */
export function agentSetupText(agent: CodingAgent, endpoint: LoupeEndpoint, shell: ShellFlavour): string {
  const base = httpBase(endpoint);
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' };
  switch (agent) {
    case 'claudeCode':
      return [
        '# Claude Code: send its log events, metrics and (beta) spans to Loupe',
        ...envLines(
          {
            CLAUDE_CODE_ENABLE_TELEMETRY: '1',
            OTEL_LOGS_EXPORTER: 'otlp',
            OTEL_METRICS_EXPORTER: 'otlp',
            OTEL_TRACES_EXPORTER: 'otlp',
            CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
            ...otlp,
          },
          { OTEL_LOG_USER_PROMPTS: '1', OTEL_LOG_TOOL_DETAILS: '1' },
          shell,
        ),
        '',
      ].join('\n');
    case 'geminiCli':
      return [
        '# Gemini CLI: send its spans, log events and metrics to Loupe',
        ...envLines(
          {
            GEMINI_TELEMETRY_ENABLED: 'true',
            GEMINI_TELEMETRY_TARGET: 'local',
            GEMINI_TELEMETRY_USE_COLLECTOR: 'true',
            GEMINI_TELEMETRY_OTLP_PROTOCOL: 'http',
            GEMINI_TELEMETRY_OTLP_ENDPOINT: base,
          },
          { GEMINI_TELEMETRY_LOG_PROMPTS: 'true' },
          shell,
        ),
        '',
      ].join('\n');
    case 'copilotCli':
      return [
        '# Copilot CLI: send its spans and metrics to Loupe',
        ...envLines({ COPILOT_OTEL_ENABLED: 'true', ...otlp }, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' }, shell),
        '',
      ].join('\n');
    case 'codex': {
      const exporter = (signal: string) => `{ otlp-http = { endpoint = "${base}/v1/${signal}", protocol = "binary" } }`;
      return [
        '# Codex CLI: add to ~/.codex/config.toml to send its spans, log events and metrics to Loupe',
        '[otel]',
        `exporter = ${exporter('logs')}`,
        `trace_exporter = ${exporter('traces')}`,
        `metrics_exporter = ${exporter('metrics')}`,
        '# Also record the prompts (they stay on this machine, in Loupe):',
        '# log_user_prompt = true',
        '',
      ].join('\n');
    }
  }
}

/** One VS Code setting to write, in the `github.copilot.chat` section. */
export interface SettingChange {
  key: string;
  value: boolean | string;
}

/**
 * The Copilot Chat settings that send its telemetry to Loupe's HTTP receiver. Prompt capture
 * (`captureContent`) is set only when the user agreed to it; otherwise it is left as it was.
 */
export function copilotChatSettings(endpoint: LoupeEndpoint, captureContent: boolean): SettingChange[] {
  const changes: SettingChange[] = [
    { key: 'otel.enabled', value: true },
    { key: 'otel.exporterType', value: 'otlp-http' },
    { key: 'otel.otlpEndpoint', value: httpBase(endpoint) },
  ];
  if (captureContent) changes.push({ key: 'otel.captureContent', value: true });
  return changes;
}

/** What prompt capture records, asked before it is turned on. */
export const COPILOT_CAPTURE_QUESTION =
  'Also record the content of Copilot Chat conversations? Loupe would then store your prompts, the responses, the system prompt, tool arguments and tool results (file contents included) in its local trace store on this machine.';
