import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { findRedactPatternProblems } from '../model/redaction';
import { DEFAULT_MAX_TRACES } from '../model/storeDefaults';
import { parseBudgetFlag } from '../model/budgetRules';
import type { Budget } from '../model/budgetTypes';
import {
  CONTINUOUS_PROTOCOLS,
  parseHeaderList,
  validateContinuousForwarding,
  type ContinuousForwarding,
  type ContinuousProtocol,
} from '../model/continuousForwarding';

/** Where `loupe serve` reads the headers of continuous forwarding (they may hold credentials: never a flag). */
export const FORWARD_HEADERS_ENV = 'LOUPE_FORWARD_HEADERS';

export interface ServeOptions {
  host: string;
  grpcPort: number;
  httpPort: number;
  storeDir: string;
  maxTraces: number;
  open: boolean;
  /** Set only by --max-request-mb; the runtime's default (512 MiB) applies otherwise. */
  maxRequestBytes?: number;
  /** Set only by --max-mb; the engine's default (1 GiB) applies otherwise. */
  maxBytes?: number;
  /** Set by --max-age-days (default 90 days; 0 means none). */
  maxAgeMs?: number;
  /** Set only by --max-message-mb; the engine's default (16 MiB) applies otherwise. */
  maxMessageBytes?: number;
  /** Patterns added by --redact to the default `loupe.redact` list. */
  redact?: string[];
  /** Spending limits from --budget. */
  budgets?: Budget[];
  /** Continuous forwarding from --forward-to and --forward-protocol, headers from LOUPE_FORWARD_HEADERS. */
  forwarding?: ContinuousForwarding;
}

/** `loupe mcp`: where to find a running Loupe, and the store to read when none runs. */
export interface McpOptions {
  host: string;
  httpPort: number;
  storeDir: string;
}

const DEFAULT_MAX_AGE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export type CliCommand =
  | { command: 'serve'; options: ServeOptions }
  | { command: 'mcp'; options: McpOptions }
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'usage-error'; message: string };

export const USAGE = `Usage: loupe serve [options]
       loupe mcp [--host HOST] [--http-port PORT] [--store DIR]

serve: runs the Loupe engine without VS Code: OTLP receivers, the REST API, the MCP server
(/mcp, address printed on start) and the trace UI.
mcp: an MCP server on stdin/stdout for coding agents. It reads the traces of the Loupe running
on HOST:PORT (default 127.0.0.1:4318) or, when none runs, the store folder (read-only).

Options:
  --host HOST          address to listen on (default 127.0.0.1; anything else exposes your traces)
  --grpc-port PORT     OTLP/gRPC port (default 4317; 0 picks a free port)
  --http-port PORT     OTLP/HTTP, REST API and UI port (default 4318; 0 picks a free port)
  --store DIR          where traces are kept (default ~/.loupe/traces)
  --max-traces N       how many recent traces to keep (default ${DEFAULT_MAX_TRACES})
  --max-mb N           most disk the kept traces may use, in MiB (default 1024)
  --max-age-days N     evict traces not added to for N days (default 90; 0: no limit)
  --max-request-mb N   largest OTLP request accepted, in MiB (default 512)
  --max-message-mb N   longest prompt or completion kept whole, in MiB (default 16)
  --redact PATTERN     also mask attributes whose key matches PATTERN (a glob like
                       '*.ssn', or /regex/); repeatable. Credentials are masked by default
  --budget SCOPE=USD   a spending limit: SCOPE is daily, monthly, run or agent:NAME (that
                       agent per month); warns at 80% and 100% unless given as
                       SCOPE=USD:WARN:CRIT (percentages); repeatable
  --forward-to URL     also send every span received to this OTLP endpoint (a team
                       collector, Jaeger, Tempo), batched and retried while it is down;
                       headers (e.g. an API key) come from ${FORWARD_HEADERS_ENV}="name=value,…"
  --forward-protocol P http/protobuf (default) or grpc
  --open               open the UI in the default browser
  -h, --help           show this help
  -v, --version        show the version`;

function port(name: string, value: string | undefined, fallback: number): number | string {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) return `--${name} must be a port number from 0 to 65535, got "${value}"`;
  return n;
}

/** Parses `loupe` arguments (and `LOUPE_FORWARD_HEADERS` from `env`); never exits or prints (the caller decides). */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        host: { type: 'string' },
        'grpc-port': { type: 'string' },
        'http-port': { type: 'string' },
        store: { type: 'string' },
        'max-traces': { type: 'string' },
        'max-request-mb': { type: 'string' },
        'max-mb': { type: 'string' },
        'max-age-days': { type: 'string' },
        'max-message-mb': { type: 'string' },
        redact: { type: 'string', multiple: true },
        budget: { type: 'string', multiple: true },
        'forward-to': { type: 'string' },
        'forward-protocol': { type: 'string' },
        open: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    return { command: 'usage-error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  if (positionals.length === 0) return { command: 'usage-error', message: 'missing command (did you mean "loupe serve"?)' };
  if (positionals[0] === 'mcp' && positionals.length === 1) return parseMcp(values);
  if (positionals[0] !== 'serve' || positionals.length > 1) {
    return { command: 'usage-error', message: `unknown command "${positionals.join(' ')}"` };
  }
  return parseServe(values, env);
}

type ParsedValues = {
  host?: string;
  'grpc-port'?: string;
  'http-port'?: string;
  store?: string;
  'max-traces'?: string;
  'max-request-mb'?: string;
  'max-mb'?: string;
  'max-age-days'?: string;
  'max-message-mb'?: string;
  redact?: string[];
  budget?: string[];
  'forward-to'?: string;
  'forward-protocol'?: string;
  open?: boolean;
};

function parseMcp(values: ParsedValues): CliCommand {
  for (const flag of ['grpc-port', 'max-traces', 'max-request-mb', 'redact', 'forward-to', 'forward-protocol', 'open'] as const) {
    if (values[flag] !== undefined)
      return { command: 'usage-error', message: `--${flag} is an option of "loupe serve", not of "loupe mcp"` };
  }
  const httpPort = port('http-port', values['http-port'], 4318);
  if (typeof httpPort === 'string') return { command: 'usage-error', message: httpPort };
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') return { command: 'usage-error', message: '--host must not be empty' };
  return { command: 'mcp', options: { host, httpPort, storeDir: values.store ?? join(homedir(), '.loupe', 'traces') } };
}

function parseForwarding(
  values: ParsedValues,
  env: Readonly<Record<string, string | undefined>>,
): ContinuousForwarding | string | undefined {
  const endpoint = values['forward-to'];
  const protocol = values['forward-protocol'];
  if (endpoint === undefined) return protocol === undefined ? undefined : '--forward-protocol needs --forward-to';
  if (endpoint.trim() === '') return '--forward-to must be an http:// or https:// URL';
  if (protocol !== undefined && !(CONTINUOUS_PROTOCOLS as readonly string[]).includes(protocol)) {
    return `--forward-protocol must be ${CONTINUOUS_PROTOCOLS.join(' or ')}, got "${protocol}"`;
  }
  let headers: Record<string, string> | undefined;
  const headerText = env[FORWARD_HEADERS_ENV];
  if (headerText !== undefined && headerText.trim() !== '') {
    const parsed = parseHeaderList(headerText);
    if ('problem' in parsed) return `${FORWARD_HEADERS_ENV}: ${parsed.problem}`;
    headers = parsed.headers;
  }
  const forwarding: ContinuousForwarding = {
    endpoint: endpoint.trim(),
    protocol: (protocol ?? 'http/protobuf') as ContinuousProtocol,
    ...(headers ? { headers } : {}),
  };
  const problem = validateContinuousForwarding(forwarding);
  return problem ? `--forward-to: ${problem}` : forwarding;
}

function parseServe(values: ParsedValues, env: Readonly<Record<string, string | undefined>>): CliCommand {
  const grpcPort = port('grpc-port', values['grpc-port'], 4317);
  if (typeof grpcPort === 'string') return { command: 'usage-error', message: grpcPort };
  const httpPort = port('http-port', values['http-port'], 4318);
  if (typeof httpPort === 'string') return { command: 'usage-error', message: httpPort };
  let maxTraces = DEFAULT_MAX_TRACES;
  if (values['max-traces'] !== undefined) {
    maxTraces = Number(values['max-traces']);
    if (!/^\d+$/.test(values['max-traces']) || maxTraces < 1) {
      return { command: 'usage-error', message: `--max-traces must be a whole number of at least 1, got "${values['max-traces']}"` };
    }
  }
  let maxRequestBytes: number | undefined;
  if (values['max-request-mb'] !== undefined) {
    const mb = Number(values['max-request-mb']);
    if (!/^\d+(\.\d+)?$/.test(values['max-request-mb']) || mb <= 0 || mb > 2047) {
      return {
        command: 'usage-error',
        message: `--max-request-mb must be a number of MiB above 0 and at most 2047, got "${values['max-request-mb']}"`,
      };
    }
    maxRequestBytes = Math.round(mb * 1024 * 1024);
  }
  const limits: Partial<Pick<ServeOptions, 'maxBytes' | 'maxAgeMs' | 'maxMessageBytes'>> = { maxAgeMs: DEFAULT_MAX_AGE_DAYS * DAY_MS };
  for (const [flag, key, scale, min] of [
    ['max-mb', 'maxBytes', 1024 * 1024, 1],
    ['max-age-days', 'maxAgeMs', DAY_MS, 0],
    ['max-message-mb', 'maxMessageBytes', 1024 * 1024, 0.001],
  ] as const) {
    const text = values[flag];
    if (text === undefined) continue;
    const n = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || n < min || n > 1_000_000) {
      return { command: 'usage-error', message: `--${flag} must be a number of at least ${min}, got "${text}"` };
    }
    limits[key] = key === 'maxAgeMs' && n === 0 ? undefined : Math.round(n * scale);
  }
  const redactProblems = findRedactPatternProblems(values.redact ?? []);
  if (redactProblems.length > 0) return { command: 'usage-error', message: `--redact: ${redactProblems.join('; ')}` };
  const budgets: Budget[] = [];
  for (const text of values.budget ?? []) {
    const budget = parseBudgetFlag(text);
    if (typeof budget === 'string') return { command: 'usage-error', message: budget };
    if (budgets.some((b) => b.scope === budget.scope))
      return { command: 'usage-error', message: `--budget ${budget.scope} is given twice` };
    budgets.push(budget);
  }
  if (values.store !== undefined && values.store.trim() === '') {
    return { command: 'usage-error', message: '--store must name a folder (use . for the current one)' };
  }
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') return { command: 'usage-error', message: '--host must not be empty' };
  const forwarding = parseForwarding(values, env);
  if (typeof forwarding === 'string') return { command: 'usage-error', message: forwarding };
  return {
    command: 'serve',
    options: {
      host,
      grpcPort,
      httpPort,
      storeDir: values.store ?? join(homedir(), '.loupe', 'traces'),
      maxTraces,
      open: values.open ?? false,
      ...(maxRequestBytes !== undefined ? { maxRequestBytes } : {}),
      ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
      ...(values.redact ? { redact: values.redact } : {}),
      ...(budgets.length > 0 ? { budgets } : {}),
      ...(forwarding ? { forwarding } : {}),
    },
  };
}
