import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where `npm run test:agents:install` puts the pinned CLIs (outside the repository). */
export const AGENTS_HOME = process.env.LOUPE_AGENTS_HOME ?? join(homedir(), '.cache', 'loupe-agents');

export const PROMPT = 'Read the file notes.txt in the current directory and tell me what it says.';

/** The endpoints one run sends to. */
export interface Endpoints {
  model: number;
  otlpHttp: number;
  otlpGrpc: number;
}

export interface AgentCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** One real CLI, how it is run non-interactively against a fake model server, and what it exports over. */
export interface AgentUnderTest {
  name: string;
  /** The package and the version `test:agents:install` pins. */
  pkg: string;
  fakeServer: 'fake-anthropic.js' | 'fake-openai.js' | 'fake-gemini.js';
  transport: 'http/protobuf' | 'http/json' | 'grpc';
  /** The signals it exports (the Copilot CLI sends no logs). */
  signals: readonly ('traces' | 'logs' | 'metrics')[];
  /** The executable's path once installed. */
  binary: string;
  command(home: string, endpoints: Endpoints): AgentCommand;
}

const BASE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', TERM: 'dumb', NO_COLOR: '1' };

const claude: AgentUnderTest = {
  name: 'Claude Code',
  pkg: '@anthropic-ai/claude-code@2.1.332',
  fakeServer: 'fake-anthropic.js',
  transport: 'http/protobuf',
  signals: ['traces', 'logs', 'metrics'],
  binary: join(AGENTS_HOME, 'claude/node_modules/@anthropic-ai/claude-code/bin/claude.exe'),
  command(home, e) {
    return {
      command: this.binary,
      args: ['-p', PROMPT, '--output-format', 'json', '--allowedTools', 'Read'],
      env: {
        ...BASE_ENV,
        HOME: home,
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${e.model}`,
        ANTHROPIC_API_KEY: 'test',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_ENABLE_TELEMETRY: '1',
        CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${e.otlpHttp}`,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_LOGS_EXPORT_INTERVAL: '1000',
        OTEL_TRACES_EXPORT_INTERVAL: '1000',
        OTEL_LOG_USER_PROMPTS: '1',
        OTEL_LOG_TOOL_DETAILS: '1',
      },
    };
  },
};

function codexConfig(home: string, e: Endpoints, grpc: boolean): void {
  const http = (signal: string) => `{ otlp-http = { endpoint = "http://127.0.0.1:${e.otlpHttp}/v1/${signal}", protocol = "binary" } }`;
  const rpc = `{ otlp-grpc = { endpoint = "http://127.0.0.1:${e.otlpGrpc}" } }`;
  mkdirSync(join(home, 'codex'), { recursive: true });
  writeFileSync(
    join(home, 'codex', 'config.toml'),
    [
      'model_provider = "fake"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      'check_for_update_on_startup = false',
      '',
      '[model_providers.fake]',
      'name = "Fake OpenAI (127.0.0.1)"',
      `base_url = "http://127.0.0.1:${e.model}/v1"`,
      'env_key = "FAKE_OPENAI_API_KEY"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
      '[analytics]',
      'enabled = false',
      '',
      '[otel]',
      'log_user_prompt = true',
      `exporter = ${grpc ? rpc : http('logs')}`,
      `trace_exporter = ${grpc ? rpc : http('traces')}`,
      `metrics_exporter = ${grpc ? rpc : http('metrics')}`,
      '',
    ].join('\n'),
  );
}

function codex(transport: 'http/protobuf' | 'grpc'): AgentUnderTest {
  return {
    name: 'Codex CLI',
    pkg: '@openai/codex@0.171.0',
    fakeServer: 'fake-openai.js',
    transport,
    signals: ['traces', 'logs', 'metrics'],
    binary: join(AGENTS_HOME, 'codex/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex'),
    command(home, e) {
      codexConfig(home, e, transport === 'grpc');
      return {
        command: this.binary,
        args: ['exec', '--skip-git-repo-check', '--json', PROMPT],
        env: { ...BASE_ENV, HOME: home, CODEX_HOME: join(home, 'codex'), FAKE_OPENAI_API_KEY: 'test', RUST_LOG: 'warn' },
      };
    },
  };
}

function gemini(transport: 'http/json' | 'grpc'): AgentUnderTest {
  return {
    name: 'Gemini CLI',
    pkg: '@google/gemini-cli@0.61.0',
    fakeServer: 'fake-gemini.js',
    transport,
    signals: ['traces', 'logs', 'metrics'],
    binary: join(AGENTS_HOME, 'gemini/node_modules/@google/gemini-cli/bundle/gemini.js'),
    command(home, e) {
      const grpc = transport === 'grpc';
      mkdirSync(join(home, '.gemini'), { recursive: true });
      writeFileSync(
        join(home, '.gemini', 'settings.json'),
        JSON.stringify({
          security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
          general: { disableAutoUpdate: true, disableUpdateNag: true },
          privacy: { usageStatisticsEnabled: false },
          telemetry: {
            enabled: true,
            target: 'local',
            otlpEndpoint: grpc ? `http://127.0.0.1:${e.otlpGrpc}` : `http://127.0.0.1:${e.otlpHttp}`,
            otlpProtocol: grpc ? 'grpc' : 'http',
            logPrompts: true,
            traces: true,
            useCollector: true,
          },
        }),
      );
      return {
        command: process.execPath,
        args: [this.binary, '-p', PROMPT, '--output-format', 'json'],
        env: {
          ...BASE_ENV,
          HOME: home,
          GEMINI_API_KEY: 'test',
          GOOGLE_GEMINI_BASE_URL: `http://127.0.0.1:${e.model}`,
          GEMINI_CLI_TRUST_WORKSPACE: 'true',
          GEMINI_CLI_NO_RELAUNCH: 'true',
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
        },
      };
    },
  };
}

const copilot: AgentUnderTest = {
  name: 'Copilot CLI',
  pkg: '@github/copilot@1.0.102',
  fakeServer: 'fake-openai.js',
  transport: 'http/json',
  signals: ['traces', 'metrics'],
  binary: join(AGENTS_HOME, 'copilot/node_modules/@github/copilot-linux-x64/copilot'),
  command(home, e) {
    return {
      command: this.binary,
      args: ['-p', PROMPT, '--allow-all-tools', '--no-auto-update', '--no-color', '--output-format', 'json'],
      env: {
        ...BASE_ENV,
        HOME: home,
        COPILOT_HOME: join(home, '.copilot'),
        COPILOT_CACHE_HOME: join(AGENTS_HOME, 'copilot', 'cache'),
        COPILOT_OFFLINE: 'true',
        COPILOT_AUTO_UPDATE: 'false',
        COPILOT_PROVIDER_BASE_URL: `http://127.0.0.1:${e.model}/v1`,
        COPILOT_PROVIDER_TYPE: 'openai',
        COPILOT_PROVIDER_API_KEY: 'test',
        COPILOT_PROVIDER_WIRE_API: 'completions',
        COPILOT_MODEL: 'gpt-5.5',
        COPILOT_OTEL_ENABLED: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${e.otlpHttp}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      },
    };
  },
};

export const AGENTS: readonly AgentUnderTest[] = [
  claude,
  codex('http/protobuf'),
  codex('grpc'),
  gemini('http/json'),
  gemini('grpc'),
  copilot,
];

/** A scratch workspace holding the note the prompt asks about. */
export function prepareWorkspace(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'notes.txt'), 'Loupe test note: the secret word is PELICAN.\nSecond line of the note.\n');
}

export function isInstalled(agent: AgentUnderTest): boolean {
  return existsSync(agent.binary);
}
