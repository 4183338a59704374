import { calcPrice, type Provider } from '@pydantic/genai-prices';
import type { TokenCounts } from '../../model/traceTypes';
import { normalizeProvider } from './providers';
import type { PriceOverride } from '../../model/priceOverride';

export interface CallPrice {
  /** null when no price is known for the model. */
  costUsd: number | null;
  source: 'override' | 'pricing' | 'unknown';
}

/** A catalog model as a one-model provider, plus its price as a linear function of usage when it is one. */
interface CatalogEntry {
  provider: Provider;
  /** [perCall, perInput, perOutput, perCacheRead, perCacheWrite] in USD, for flat (untiered, unscheduled) prices. */
  linear?: readonly number[];
}

/** Distinct (provider, model) pairs remembered; a bound so a stream of odd names cannot grow memory. */
const MAX_CACHED_MODELS = 2000;

function isValidOverride(o: PriceOverride): boolean {
  return (
    typeof o?.model === 'string' &&
    o.model.trim().length > 0 &&
    Number.isFinite(o.inputPerMTok) &&
    Number.isFinite(o.outputPerMTok) &&
    o.inputPerMTok >= 0 &&
    o.outputPerMTok >= 0
  );
}

/** Cache counts are parts of the input count; usage that says otherwise cannot be priced. */
function isConsistent(t: TokenCounts): boolean {
  const counts = [t.input, t.output, t.cacheRead, t.cacheWrite];
  return counts.every((n) => Number.isFinite(n) && n >= 0) && t.cacheRead + t.cacheWrite <= t.input;
}

function overrideCost(o: PriceOverride, tokens: TokenCounts): number {
  const cacheRead = Math.min(tokens.cacheRead, tokens.input);
  const cacheWrite = Math.min(tokens.cacheWrite, tokens.input - cacheRead);
  const uncached = tokens.input - cacheRead - cacheWrite;
  const readPrice = o.cacheReadPerMTok ?? o.inputPerMTok;
  const writePrice = o.cacheWritePerMTok ?? o.inputPerMTok;
  return (uncached * o.inputPerMTok + cacheRead * readPrice + cacheWrite * writePrice + tokens.output * o.outputPerMTok) / 1e6;
}

function usageOf(tokens: TokenCounts): Record<string, number> {
  return {
    input_tokens: tokens.input,
    output_tokens: tokens.output,
    cache_read_tokens: tokens.cacheRead,
    cache_write_tokens: tokens.cacheWrite,
  };
}

/**
 * Prices model calls: user overrides first, then the data bundled with `@pydantic/genai-prices`
 * (never updated online). Lookups are cached per (provider, model) because this runs per span at ingest.
 */
export class PriceBook {
  readonly overrides: readonly PriceOverride[];
  /** The catalog entry a (provider, model) pair resolved to, as a one-model provider; null when unknown. */
  private readonly catalog = new Map<string, CatalogEntry | null>();
  private lastCatalogAnswer: { model: string; provider: string | undefined; entry: CatalogEntry | null } | undefined;
  private readonly overrideMatches = new Map<string, PriceOverride | null>();

  constructor(overrides: readonly PriceOverride[] = []) {
    this.overrides = Array.isArray(overrides) ? overrides.filter(isValidOverride) : [];
  }

  /**
   * The price of one call. `models` are tried in order (response model, then requested model);
   * `timeMs` selects prices that changed over time.
   */
  priceCall(tokens: TokenCounts, models: readonly (string | undefined)[], provider: string | undefined, timeMs: number): CallPrice {
    if (!isConsistent(tokens)) return { costUsd: null, source: 'unknown' };
    for (const model of models) {
      if (!model) continue;
      const override = this.findOverride(model, provider);
      if (override) return { costUsd: overrideCost(override, tokens), source: 'override' };
    }
    for (const model of models) {
      if (!model) continue;
      const entry = this.findCatalogEntry(model, provider);
      if (!entry) continue;
      if (entry.linear) return { costUsd: linearCost(entry.linear, tokens), source: 'pricing' };
      try {
        const timestamp = Number.isFinite(timeMs) && timeMs > 0 ? new Date(timeMs) : undefined;
        const result = calcPrice(usageOf(tokens), model, { provider: entry.provider, timestamp });
        if (result && Number.isFinite(result.total_price)) return { costUsd: result.total_price, source: 'pricing' };
      } catch {
        // Usage the catalog rejects (e.g. inconsistent cache counts) leaves the call unpriced.
      }
    }
    return { costUsd: null, source: 'unknown' };
  }

  /** True when some price (override or catalog) is known for the model. */
  knows(model: string, provider?: string): boolean {
    return this.findOverride(model, provider) !== undefined || this.findCatalogEntry(model, provider) !== undefined;
  }

  private findOverride(model: string, provider: string | undefined): PriceOverride | undefined {
    if (this.overrides.length === 0) return undefined;
    const key = `${provider ?? ''}\u0000${model}`;
    let match = this.overrideMatches.get(key);
    if (match === undefined) {
      match = null;
      const id = model.toLowerCase();
      for (const o of this.overrides) {
        if (o.provider && normalizeProvider(o.provider) !== provider) continue;
        const prefix = o.model.trim().toLowerCase();
        if (id.startsWith(prefix) && (!match || prefix.length > match.model.trim().length)) match = o;
      }
      remember(this.overrideMatches, key, match);
    }
    return match ?? undefined;
  }

  private findCatalogEntry(model: string, provider: string | undefined): CatalogEntry | undefined {
    // Consecutive calls mostly name the same model: that answer needs no key built and hashed.
    const last = this.lastCatalogAnswer;
    if (last && last.model === model && last.provider === provider) return last.entry ?? undefined;
    const key = `${provider ?? ''}\u0000${model}`;
    let entry = this.catalog.get(key);
    if (entry === undefined) {
      entry = resolveCatalogEntry(model, provider);
      remember(this.catalog, key, entry);
    }
    this.lastCatalogAnswer = { model, provider, entry };
    return entry ?? undefined;
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  if (map.size >= MAX_CACHED_MODELS) map.clear();
  map.set(key, value);
}

function linearCost(c: readonly number[], tokens: TokenCounts): number {
  return c[0] + c[1] * tokens.input + c[2] * tokens.output + c[3] * tokens.cacheRead + c[4] * tokens.cacheWrite;
}

function priceOf(provider: Provider, model: string, input: number, output: number, cacheRead: number, cacheWrite: number): number {
  const usage = { input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite };
  const result = calcPrice(usage, model, { provider });
  if (!result || !Number.isFinite(result.total_price)) throw new Error('unpriced');
  return result.total_price;
}

/**
 * Flat per-token prices make cost linear in usage, so a few catalog calls give coefficients that price
 * every later call in nanoseconds. Tiered or scheduled prices (and anything the check below rejects)
 * keep going through the catalog each time.
 */
function linearCoefficients(provider: Provider, model: string): number[] | undefined {
  const info = provider.models[0];
  if (!info || Array.isArray(info.prices)) return undefined;
  if (Object.values(info.prices).some((p) => p !== undefined && typeof p !== 'number')) return undefined;
  try {
    const base = priceOf(provider, model, 0, 0, 0, 0);
    const input = priceOf(provider, model, 1e6, 0, 0, 0);
    const c = [
      base,
      (input - base) / 1e6,
      (priceOf(provider, model, 0, 1e6, 0, 0) - base) / 1e6,
      (priceOf(provider, model, 1e6, 0, 1e6, 0) - input) / 1e6,
      (priceOf(provider, model, 1e6, 0, 0, 1e6) - input) / 1e6,
    ];
    const check = priceOf(provider, model, 123_457, 54_321, 23_456, 12_345);
    const predicted = c[0] + c[1] * 123_457 + c[2] * 54_321 + c[3] * 23_456 + c[4] * 12_345;
    return Math.abs(check - predicted) <= 1e-9 * Math.max(1, Math.abs(check)) ? c : undefined;
  } catch {
    return undefined;
  }
}

function probe(model: string, providerId: string | undefined): CatalogEntry | null {
  try {
    const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, providerId ? { providerId } : {});
    if (!result) return null;
    const { id, name, api_pattern } = result.provider;
    const provider: Provider = { id, name, api_pattern, models: [result.model] };
    return { provider, linear: linearCoefficients(provider, model) };
  } catch {
    return null;
  }
}

/** An unknown provider id makes the catalog give up, so the model name alone is tried next. */
function resolveCatalogEntry(model: string, provider: string | undefined): CatalogEntry | null {
  return (provider ? probe(model, provider) : null) ?? probe(model, undefined);
}
