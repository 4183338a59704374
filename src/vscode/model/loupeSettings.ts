import { DEFAULT_REDACT_PATTERNS, compileRedactPattern } from '../../model/redaction';
import { DEFAULT_FORWARD_TARGETS, validateForwardTarget, type ForwardTarget } from '../../model/forwardTarget';
import type { PriceOverride } from '../../model/priceOverride';
import type { WorkerRuntimeOptions } from '../../core/host/workerProtocol';
import { DEFAULT_MAX_TRACES } from '../../model/storeDefaults';
import { budgetsFromSettings } from '../../model/budgetRules';
import type { Budget } from '../../model/budgetTypes';
import {
  CONTINUOUS_PROTOCOLS,
  FORWARDING_OFF,
  validateContinuousForwarding,
  type ContinuousForwarding,
  type ContinuousProtocol,
} from '../../model/continuousForwarding';

/** The `loupe.*` settings after validation; every value is usable as it is. */
export interface LoupeSettings {
  receiver: { autoStart: boolean; host: string; grpcPort: number; httpPort: number; allowedOrigins: string[] };
  store: { maxTraces: number; maxMegabytes: number | undefined; maxAgeDays: number | undefined };
  limits: { maxRequestMegabytes: number; maxAttributeBytes: number; maxMessageBytes: number };
  /** Patterns added to the built-in credential list. */
  redact: string[];
  pricing: PriceOverride[];
  forwardTargets: ForwardTarget[];
  env: { injectEndpoint: boolean };
  /** Spending limits (`loupe.budgets`). */
  budgets: Budget[];
  /** Continuous forwarding (`loupe.forwarding.continuous.*`); its headers are in secret storage, not here. */
  forwarding: ContinuousForwarding;
}

export interface SettingsReading {
  settings: LoupeSettings;
  /** One sentence per unusable value, naming the setting; its default is used instead. */
  problems: string[];
}

export const DEFAULT_SETTINGS: LoupeSettings = {
  receiver: { autoStart: true, host: '127.0.0.1', grpcPort: 4317, httpPort: 4318, allowedOrigins: [] },
  store: { maxTraces: DEFAULT_MAX_TRACES, maxMegabytes: undefined, maxAgeDays: 90 },
  limits: { maxRequestMegabytes: 512, maxAttributeBytes: 65_536, maxMessageBytes: 16 * 1024 * 1024 },
  redact: [],
  pricing: [],
  forwardTargets: [...DEFAULT_FORWARD_TARGETS],
  env: { injectEndpoint: false },
  budgets: [],
  forwarding: FORWARDING_OFF,
};

const MAX_TRACES_CEILING = 100_000;
const DAY_MS = 24 * 60 * 60 * 1000;

type Read = (key: string) => unknown;

/** Reads and checks every `loupe.*` setting; `get` answers for a key without the `loupe.` prefix. */
export function readLoupeSettings(get: Read): SettingsReading {
  const problems: string[] = [];
  const d = DEFAULT_SETTINGS;
  const setting = <T>(key: string, fallback: T, check: (value: unknown) => string | undefined, convert: (value: unknown) => T): T => {
    const value = get(key);
    if (value === undefined || value === null) return fallback;
    const problem = check(value);
    if (problem === undefined) return convert(value);
    problems.push(`loupe.${key} ${problem}; using ${JSON.stringify(fallback)}.`);
    return fallback;
  };
  const bool = (key: string, fallback: boolean): boolean =>
    setting(
      key,
      fallback,
      (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
      (v) => v as boolean,
    );
  const port = (key: string, fallback: number): number => setting(key, fallback, checkInteger(0, 65_535), Number);

  const settings: LoupeSettings = {
    receiver: {
      autoStart: bool('receiver.autoStart', d.receiver.autoStart),
      host: setting('receiver.host', d.receiver.host, checkHost, (v) => (v as string).trim()),
      grpcPort: port('receiver.grpcPort', d.receiver.grpcPort),
      httpPort: port('receiver.httpPort', d.receiver.httpPort),
      allowedOrigins: validList(get('receiver.allowedOrigins'), 'receiver.allowedOrigins', checkOrigin, problems),
    },
    store: {
      maxTraces: setting('store.maxTraces', d.store.maxTraces, checkInteger(1, MAX_TRACES_CEILING), Number),
      // 0 means no size limit beyond the trace count.
      maxMegabytes: setting<number | undefined>('store.maxMegabytes', undefined, checkNumber(0, 1_000_000), (v) =>
        (v as number) > 0 ? (v as number) : undefined,
      ),
      // 0 means no age limit.
      maxAgeDays: setting<number | undefined>('store.maxAgeDays', d.store.maxAgeDays, checkNumber(0, 100_000), (v) =>
        (v as number) > 0 ? (v as number) : undefined,
      ),
    },
    limits: {
      maxRequestMegabytes: setting('limits.maxRequestMegabytes', d.limits.maxRequestMegabytes, checkNumber(0.001, 4096), Number),
      maxAttributeBytes: setting('limits.maxAttributeBytes', d.limits.maxAttributeBytes, checkInteger(256, 64 * 1024 * 1024), Number),
      maxMessageBytes: setting('limits.maxMessageBytes', d.limits.maxMessageBytes, checkInteger(256, 256 * 1024 * 1024), Number),
    },
    redact: validList(get('redact'), 'redact', checkRedactPattern, problems),
    pricing: validList(get('pricing'), 'pricing', checkPrice, problems) as unknown as PriceOverride[],
    forwardTargets: readForwardTargets(get('forward.targets'), problems),
    env: { injectEndpoint: bool('env.injectEndpoint', d.env.injectEndpoint) },
    budgets: readBudgets(get('budgets'), problems),
    forwarding: readForwarding(get('forwarding.continuous.endpoint'), get('forwarding.continuous.protocol'), problems),
  };
  return { settings, problems };
}

function checkInteger(min: number, max: number) {
  return (value: unknown): string | undefined =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`;
}

function checkNumber(min: number, max: number) {
  return (value: unknown): string | undefined =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? undefined
      : `must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`;
}

function checkHost(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'must be a host name or address, e.g. 127.0.0.1';
  return /[\s/@#?]/.test(value.trim()) ? `must be a bare host name or address, not ${JSON.stringify(value)}` : undefined;
}

function checkOrigin(value: unknown): string | undefined {
  if (value === '*') return undefined;
  if (typeof value !== 'string') return 'must hold origins such as "http://localhost:3000"';
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '')) return undefined;
  } catch {
    // Reported below.
  }
  return `holds ${JSON.stringify(value)}, which is not an origin such as "http://localhost:3000"`;
}

function checkRedactPattern(value: unknown): string | undefined {
  try {
    compileRedactPattern(value as string);
    return undefined;
  } catch (error) {
    return `holds an unusable pattern: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function checkPrice(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'holds an entry that is not an object of model and prices';
  const o = value as Record<string, unknown>;
  const label = typeof o.model === 'string' ? `the entry for "${o.model}"` : 'an entry';
  if (typeof o.model !== 'string' || o.model.trim() === '') return 'holds an entry without a model name';
  if (o.provider !== undefined && typeof o.provider !== 'string') return `has ${label} whose provider is not text`;
  for (const key of ['inputPerMTok', 'outputPerMTok', 'cacheReadPerMTok', 'cacheWritePerMTok']) {
    const price = o[key];
    const required = key === 'inputPerMTok' || key === 'outputPerMTok';
    if (price === undefined && !required) continue;
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0)
      return `has ${label} whose ${key} is not a price in USD per million tokens`;
  }
  return undefined;
}

/** Keeps the valid entries of a list setting and reports each invalid one. */
function validList(value: unknown, key: string, check: (item: unknown) => string | undefined, problems: string[]): never[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`loupe.${key} must be a list; ignoring it.`);
    return [];
  }
  const kept: unknown[] = [];
  for (const item of value) {
    const problem = check(item);
    if (problem === undefined) kept.push(item);
    else problems.push(`loupe.${key} ${problem}; that entry is ignored.`);
  }
  return kept as never[];
}

function readForwardTargets(value: unknown, problems: string[]): ForwardTarget[] {
  if (value === undefined || value === null) return [...DEFAULT_FORWARD_TARGETS];
  if (!Array.isArray(value)) {
    problems.push('loupe.forward.targets must be a list of targets; using the defaults.');
    return [...DEFAULT_FORWARD_TARGETS];
  }
  const targets: ForwardTarget[] = [];
  for (const item of value) {
    const problem = validateForwardTarget(item);
    if (problem) problems.push(`loupe.forward.targets: ${problem}`);
    else targets.push(item as ForwardTarget);
  }
  return targets;
}

function readForwarding(endpoint: unknown, protocol: unknown, problems: string[]): ContinuousForwarding {
  let chosen = FORWARDING_OFF.protocol;
  if (protocol !== undefined && protocol !== null) {
    if ((CONTINUOUS_PROTOCOLS as readonly unknown[]).includes(protocol)) chosen = protocol as ContinuousProtocol;
    else
      problems.push(
        `loupe.forwarding.continuous.protocol must be one of ${CONTINUOUS_PROTOCOLS.join(', ')} (got ${JSON.stringify(protocol)}); using "${chosen}".`,
      );
  }
  if (endpoint === undefined || endpoint === null || endpoint === '') return { endpoint: '', protocol: chosen };
  const config = { endpoint: typeof endpoint === 'string' ? endpoint.trim() : endpoint, protocol: chosen };
  const problem = validateContinuousForwarding(config);
  if (problem === undefined) return config as ContinuousForwarding;
  problems.push(`loupe.forwarding.continuous.endpoint: ${problem} Forwarding stays off.`);
  return { endpoint: '', protocol: chosen };
}

/** Where the engine thread keeps traces and finds the web UI, plus the version it reports. */
export interface EnginePlaces {
  storeDir?: string;
  staticDir?: string;
  version: string;
}

/**
 * Continuous forwarding as the engine takes it: the settings plus the headers kept in secret
 * storage. undefined when off.
 */
export function forwardingOf(settings: LoupeSettings, headers?: Record<string, string>): ContinuousForwarding | undefined {
  if (settings.forwarding.endpoint === '') return undefined;
  return { ...settings.forwarding, ...(headers && Object.keys(headers).length > 0 ? { headers } : {}) };
}

/** The engine thread's options for these settings; `host` is the address actually bound (see networkBind). */
export function engineOptionsOf(
  settings: LoupeSettings,
  places: EnginePlaces,
  host = settings.receiver.host,
  forwardingHeaders?: Record<string, string>,
): WorkerRuntimeOptions {
  return {
    host,
    grpcPort: settings.receiver.grpcPort,
    httpPort: settings.receiver.httpPort,
    storeDir: places.storeDir,
    staticDir: places.staticDir,
    version: places.version,
    maxTraces: settings.store.maxTraces,
    maxBytes: settings.store.maxMegabytes === undefined ? undefined : Math.round(settings.store.maxMegabytes * 1024 * 1024),
    maxAgeMs: settings.store.maxAgeDays === undefined ? undefined : Math.round(settings.store.maxAgeDays * DAY_MS),
    maxRequestBytes: Math.round(settings.limits.maxRequestMegabytes * 1024 * 1024),
    maxAttributeBytes: settings.limits.maxAttributeBytes,
    maxMessageBytes: settings.limits.maxMessageBytes,
    redact: [...DEFAULT_REDACT_PATTERNS, ...settings.redact],
    allowedOrigins: settings.receiver.allowedOrigins,
    pricing: settings.pricing,
    budgets: settings.budgets,
    forwarding: forwardingOf(settings, forwardingHeaders),
  };
}

/**
 * What a settings change asks of a running engine: a restart when the listeners or the ingest
 * rules change (they are fixed when the engine opens), else live updates of limits and prices.
 */
export interface SettingsEffect {
  restartEngine: boolean;
  limits: boolean;
  pricing: boolean;
  endpoint: boolean;
  /** Continuous forwarding changed: applied live. */
  forwarding: boolean;
}

export function settingsEffect(before: LoupeSettings, after: LoupeSettings): SettingsEffect {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const restartEngine =
    before.receiver.host !== after.receiver.host ||
    before.receiver.grpcPort !== after.receiver.grpcPort ||
    before.receiver.httpPort !== after.receiver.httpPort ||
    !same(before.receiver.allowedOrigins, after.receiver.allowedOrigins) ||
    !same(before.limits, after.limits) ||
    !same(before.redact, after.redact) ||
    // Budgets are read when the engine opens; changing them is rare, and their announced levels are kept.
    !same(before.budgets, after.budgets);
  return {
    restartEngine,
    limits: !same(before.store, after.store),
    pricing: !same(before.pricing, after.pricing),
    endpoint: restartEngine || before.env.injectEndpoint !== after.env.injectEndpoint,
    forwarding: !same(before.forwarding, after.forwarding),
  };
}

function readBudgets(value: unknown, problems: string[]): Budget[] {
  const read = budgetsFromSettings(value);
  problems.push(...read.problems.map((problem) => `loupe.budgets: ${problem}`));
  const seen = new Set<string>();
  return read.budgets.filter((budget) => {
    if (seen.has(budget.scope)) {
      problems.push(`loupe.budgets: the ${budget.scope} budget is given twice; the first one is used.`);
      return false;
    }
    seen.add(budget.scope);
    return true;
  });
}
