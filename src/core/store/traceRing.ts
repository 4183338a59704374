import { DEFAULT_MAX_TRACES } from '../../model/storeDefaults';

/** Limits of a {@link TraceRing}. */
export interface TraceRingLimits {
  /** Most entries kept; at least 1. */
  maxEntries: number;
  /** Most total bytes kept (as reported by the caller); at least 1. */
  maxBytes: number;
}

export const DEFAULT_TRACE_RING_LIMITS: TraceRingLimits = {
  maxEntries: DEFAULT_MAX_TRACES,
  maxBytes: 1024 * 1024 * 1024,
};

/** What the ring has evicted by policy since it was made (deletes and clears are not evictions). */
export interface TraceRingEvictions {
  entries: number;
  bytes: number;
}

interface RingSlot<T> {
  id: string;
  value: T;
  bytes: number;
  older: RingSlot<T> | undefined;
  newer: RingSlot<T> | undefined;
}

/**
 * Recent traces in memory, keyed by trace id and ordered by first insertion.
 *
 * Eviction rule: whenever a limit is exceeded, the oldest entries are evicted until both limits
 * hold again, except that the newest entry is never evicted. So an entry larger than `maxBytes`
 * on its own is kept (alone) until a newer one arrives, and an older entry that grows past the
 * limit is evicted in its turn, oldest first, like any other.
 *
 * Re-adding an id that is present replaces its value and size but keeps its place in the order.
 * Add, get, has, delete and updateSize are O(1) apart from the evictions they cause. Order is a
 * linked list rather than Map order: after many deletes, finding a Map's first key is not O(1) in V8.
 */
export class TraceRing<T> {
  private readonly slots = new Map<string, RingSlot<T>>();
  private oldest: RingSlot<T> | undefined;
  private newest: RingSlot<T> | undefined;
  private limits: TraceRingLimits;
  private totalBytes = 0;
  private readonly evictionCounts: TraceRingEvictions = { entries: 0, bytes: 0 };

  constructor(limits: Partial<TraceRingLimits> = {}) {
    this.limits = mergeLimits(DEFAULT_TRACE_RING_LIMITS, limits);
  }

  get size(): number {
    return this.slots.size;
  }

  /** Sum of the byte sizes of the entries kept. */
  get bytes(): number {
    return this.totalBytes;
  }

  get maxEntries(): number {
    return this.limits.maxEntries;
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  /** A copy of the eviction counters. */
  get evictions(): TraceRingEvictions {
    return { ...this.evictionCounts };
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  get(id: string): T | undefined {
    return this.slots.get(id)?.value;
  }

  /** The byte size last reported for `id`, or undefined when absent. */
  sizeOf(id: string): number | undefined {
    return this.slots.get(id)?.bytes;
  }

  /** Adds (or replaces, keeping its place) an entry; returns the values evicted to make room. */
  add(id: string, value: T, bytes: number): T[] {
    const size = checkBytes(bytes);
    const slot = this.slots.get(id);
    if (slot) {
      this.totalBytes += size - slot.bytes;
      slot.value = value;
      slot.bytes = size;
    } else {
      const added: RingSlot<T> = { id, value, bytes: size, older: this.newest, newer: undefined };
      if (this.newest) this.newest.newer = added;
      else this.oldest = added;
      this.newest = added;
      this.slots.set(id, added);
      this.totalBytes += size;
    }
    return this.evictOverflow();
  }

  /** Records a new byte size for `id` (a trace grew); returns the values evicted. */
  updateSize(id: string, bytes: number): T[] {
    const slot = this.slots.get(id);
    if (!slot) return [];
    const size = checkBytes(bytes);
    this.totalBytes += size - slot.bytes;
    slot.bytes = size;
    return this.evictOverflow();
  }

  /** Removes an entry (not counted as an eviction); false when it was absent. */
  delete(id: string): boolean {
    const slot = this.slots.get(id);
    if (!slot) return false;
    this.unlink(slot);
    return true;
  }

  /** Removes every entry (not counted as evictions). */
  clear(): void {
    this.slots.clear();
    this.oldest = this.newest = undefined;
    this.totalBytes = 0;
  }

  /** Changes the limits (fields left undefined keep their value); returns the values evicted to meet the new ones. */
  setLimits(limits: Partial<TraceRingLimits>): T[] {
    this.limits = mergeLimits(this.limits, limits);
    return this.evictOverflow();
  }

  /** Evicts (and counts as evicted) every entry `condition` holds for, oldest first; returns their values. */
  evictWhere(condition: (value: T) => boolean): T[] {
    const evicted: T[] = [];
    for (let slot = this.oldest; slot;) {
      const next = slot.newer;
      if (condition(slot.value)) {
        this.unlink(slot);
        this.evictionCounts.entries += 1;
        this.evictionCounts.bytes += slot.bytes;
        evicted.push(slot.value);
      }
      slot = next;
    }
    return evicted;
  }

  /** Trace ids, oldest first. */
  ids(): string[] {
    const out: string[] = [];
    for (let slot = this.oldest; slot; slot = slot.newer) out.push(slot.id);
    return out;
  }

  /** Values, oldest first. */
  values(): T[] {
    const out: T[] = [];
    for (let slot = this.oldest; slot; slot = slot.newer) out.push(slot.value);
    return out;
  }

  /** Values, newest first. */
  newestFirst(): T[] {
    const out: T[] = [];
    for (let slot = this.newest; slot; slot = slot.older) out.push(slot.value);
    return out;
  }

  private unlink(slot: RingSlot<T>): void {
    this.slots.delete(slot.id);
    if (slot.older) slot.older.newer = slot.newer;
    else this.oldest = slot.newer;
    if (slot.newer) slot.newer.older = slot.older;
    else this.newest = slot.older;
    slot.older = slot.newer = undefined;
    this.totalBytes -= slot.bytes;
  }

  private evictOverflow(): T[] {
    const evicted: T[] = [];
    const { maxEntries, maxBytes } = this.limits;
    while (this.slots.size > 1 && (this.slots.size > maxEntries || this.totalBytes > maxBytes)) {
      const oldest = this.oldest as RingSlot<T>;
      this.unlink(oldest);
      this.evictionCounts.entries += 1;
      this.evictionCounts.bytes += oldest.bytes;
      evicted.push(oldest.value);
    }
    return evicted;
  }
}

function mergeLimits(current: TraceRingLimits, change: Partial<TraceRingLimits>): TraceRingLimits {
  const maxEntries = change.maxEntries ?? current.maxEntries;
  const maxBytes = change.maxBytes ?? current.maxBytes;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`maxEntries must be an integer of at least 1, got ${maxEntries}`);
  }
  if (!(maxBytes >= 1)) {
    throw new RangeError(`maxBytes must be at least 1, got ${maxBytes}`);
  }
  return { maxEntries, maxBytes };
}

function checkBytes(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new RangeError(`an entry's byte size must be a finite number of at least 0, got ${bytes}`);
  }
  return bytes;
}
