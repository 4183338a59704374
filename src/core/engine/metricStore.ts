import type { ExportMetricsServiceRequest, KeyValue, OtlpMetricPoint, PartialSuccess } from '../../model/otlpTypes';
import type { Attributes, TokenCounts } from '../../model/traceTypes';
import { AttributeMap } from '../genai/attributeMap';
import { FAMILY_ORDER, metricContribution, type MetricContribution, type MetricFamily } from '../genai/agentMetrics';
import { attributesToObject, nanosToMs } from '../otlp/values';
import { emptyTokens } from '../analysis/usageTotals';
import type { IngestPolicy } from './ingestPolicy';

/** Attribute keys that name the session (conversation) a metric point belongs to, in order of preference. */
export const SESSION_ID_KEYS = ['session.id', 'gen_ai.conversation.id', 'conversation.id'] as const;

/** One recent data point, flattened with its metric and resource. */
export interface RecentMetricPoint {
  name: string;
  type: string;
  unit?: string;
  service: string;
  sessionId?: string;
  timeMs: number;
  value?: number;
  count?: number;
  sum?: number;
  attributes: Attributes;
}

/** The usage a session's metrics report, from the one family Loupe trusts for it. */
export interface MetricUsage {
  sessionId: string;
  service: string;
  family: MetricFamily;
  tokens: TokenCounts;
  /** The agent's own cost, when its metrics report one. */
  costUsd?: number;
  firstMs: number;
  lastMs: number;
}

interface FamilyUsage {
  /** Sums of delta points. */
  tokens: TokenCounts;
  costUsd: number;
  costReported: boolean;
  /** The latest point of each cumulative series (metric, attributes, start time). */
  cumulative: Map<string, MetricContribution>;
}

interface SessionEntry {
  sessionId: string;
  service: string;
  families: Map<MetricFamily, FamilyUsage>;
  firstMs: number;
  lastMs: number;
}

export interface MetricStoreOptions {
  /** Recent points kept (oldest dropped first). Default 5,000. */
  maxPoints?: number;
  /** Sessions whose metric usage is kept (least recently updated dropped first). Default 1,000. */
  maxSessions?: number;
  /** Cumulative series remembered per session and family. Default 256. */
  maxSeriesPerSession?: number;
}

const AGGREGATION_CUMULATIVE = 2;
/** Metric names are short identifiers; a longer one is cut for the recent-points list. */
const MAX_NAME_CHARS = 256;

/**
 * Keeps OTLP metrics briefly: the most recent points in a bounded ring (so nothing arrives and
 * vanishes unseen), and, per session, the token and cost usage of the metrics Loupe understands
 * (agentMetrics.ts), for session totals whose spans and log events report none.
 */
export class MetricStore {
  private readonly maxPoints: number;
  private readonly maxSessions: number;
  private readonly maxSeries: number;
  private readonly ring: RecentMetricPoint[] = [];
  private ringStart = 0;
  private readonly sessions = new Map<string, SessionEntry>();
  private received = 0;

  constructor(options: MetricStoreOptions = {}) {
    this.maxPoints = Math.max(1, options.maxPoints ?? 5_000);
    this.maxSessions = Math.max(1, options.maxSessions ?? 1_000);
    this.maxSeries = Math.max(1, options.maxSeriesPerSession ?? 256);
  }

  /** Takes every point of a request; points with neither a value nor a count are refused and counted. */
  add(request: ExportMetricsServiceRequest, policy?: IngestPolicy): PartialSuccess | undefined {
    let rejected = 0;
    for (const resourceMetrics of request.resourceMetrics) {
      const resource = policy ? policy.resource(resourceMetrics.resource) : resourceMetrics.resource;
      const resourceAttributes = new AttributeMap(resource?.attributes ?? []);
      const service = resourceAttributes.string('service.name') ?? 'unknown_service';
      const resourceSession = sessionIdIn(resourceAttributes);
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          for (const point of metric.points) {
            const amount = point.value ?? point.sum;
            if (amount === undefined && point.count === undefined) {
              rejected++;
              continue;
            }
            const attributes = policy ? policy.metricAttributes(point.attributes) : point.attributes;
            const map = new AttributeMap(attributes);
            const sessionId = sessionIdIn(map) ?? resourceSession;
            const timeMs = nanosToMs(point.timeUnixNano);
            this.remember({
              name: metric.name.length > MAX_NAME_CHARS ? metric.name.slice(0, MAX_NAME_CHARS) + '…' : metric.name,
              type: metric.type,
              ...(metric.unit !== undefined && { unit: metric.unit }),
              service,
              ...(sessionId !== undefined && { sessionId }),
              timeMs,
              ...numbersOf(point),
              attributes: attributesToObject(attributes),
            });
            if (sessionId === undefined || amount === undefined || metric.type === 'gauge') continue;
            const contribution = metricContribution(metric.name, map, amount);
            if (contribution) {
              const cumulative = metric.temporality === AGGREGATION_CUMULATIVE;
              this.fold(sessionId, service, contribution, cumulative ? seriesKey(metric.name, attributes, point) : undefined, timeMs);
            }
          }
        }
      }
    }
    return rejected === 0 ? undefined : { rejected, errorMessage: `${rejected} data points carried no value` };
  }

  /** Recent points, oldest first. */
  recent(): RecentMetricPoint[] {
    return [...this.ring.slice(this.ringStart), ...this.ring.slice(0, this.ringStart)];
  }

  get pointCount(): number {
    return this.ring.length;
  }

  /** Points received since start (kept or already dropped from the ring). */
  get receivedCount(): number {
    return this.received;
  }

  /** The usage a session's metrics reported, from its most trusted family; undefined when none. */
  usage(sessionId: string): MetricUsage | undefined {
    const entry = this.sessions.get(sessionId);
    if (!entry) return undefined;
    for (const family of FAMILY_ORDER) {
      const usage = entry.families.get(family);
      if (!usage) continue;
      const tokens = { ...usage.tokens };
      let costUsd = usage.costUsd;
      let costReported = usage.costReported;
      for (const c of usage.cumulative.values()) {
        addPartial(tokens, c.tokens);
        if (c.costUsd !== undefined) {
          costUsd += c.costUsd;
          costReported = true;
        }
      }
      const result: MetricUsage = { sessionId, service: entry.service, family, tokens, firstMs: entry.firstMs, lastMs: entry.lastMs };
      if (costReported) result.costUsd = costUsd;
      return result;
    }
    return undefined;
  }

  /** Session ids with metric usage, most recently updated last. */
  sessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  clear(): void {
    this.ring.length = 0;
    this.ringStart = 0;
    this.sessions.clear();
  }

  private remember(point: RecentMetricPoint): void {
    this.received++;
    if (this.ring.length < this.maxPoints) {
      this.ring.push(point);
      return;
    }
    this.ring[this.ringStart] = point;
    this.ringStart = (this.ringStart + 1) % this.maxPoints;
  }

  private fold(sessionId: string, service: string, contribution: MetricContribution, series: string | undefined, timeMs: number): void {
    let entry = this.sessions.get(sessionId);
    if (entry) {
      // Re-inserted so the map's order is least recently updated first.
      this.sessions.delete(sessionId);
    } else {
      entry = { sessionId, service, families: new Map(), firstMs: timeMs, lastMs: timeMs };
      if (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
    }
    this.sessions.set(sessionId, entry);
    entry.firstMs = Math.min(entry.firstMs, timeMs);
    entry.lastMs = Math.max(entry.lastMs, timeMs);
    let usage = entry.families.get(contribution.family);
    if (!usage) {
      usage = { tokens: emptyTokens(), costUsd: 0, costReported: false, cumulative: new Map() };
      entry.families.set(contribution.family, usage);
    }
    if (series !== undefined) {
      if (usage.cumulative.has(series) || usage.cumulative.size < this.maxSeries) usage.cumulative.set(series, contribution);
      return;
    }
    addPartial(usage.tokens, contribution.tokens);
    if (contribution.costUsd !== undefined) {
      usage.costUsd += contribution.costUsd;
      usage.costReported = true;
    }
  }
}

function sessionIdIn(attributes: AttributeMap): string | undefined {
  for (const key of SESSION_ID_KEYS) {
    const id = attributes.string(key);
    if (id !== undefined) return id;
  }
  return undefined;
}

function numbersOf(point: OtlpMetricPoint): Pick<RecentMetricPoint, 'value' | 'count' | 'sum'> {
  const out: Pick<RecentMetricPoint, 'value' | 'count' | 'sum'> = {};
  if (point.value !== undefined) out.value = point.value;
  if (point.count !== undefined) out.count = point.count;
  if (point.sum !== undefined) out.sum = point.sum;
  return out;
}

function seriesKey(name: string, attributes: readonly KeyValue[], point: OtlpMetricPoint): string {
  const parts = attributes.map((kv) => `${kv.key}=${JSON.stringify(kv.value)}`).sort();
  return `${name}\u0000${point.startTimeUnixNano}\u0000${parts.join('\u0000')}`;
}

function addPartial(into: TokenCounts, add: Partial<TokenCounts> | undefined): void {
  if (!add) return;
  into.input += add.input ?? 0;
  into.output += add.output ?? 0;
  into.cacheRead += add.cacheRead ?? 0;
  into.cacheWrite += add.cacheWrite ?? 0;
  into.reasoning += add.reasoning ?? 0;
  into.total += add.total ?? 0;
}
