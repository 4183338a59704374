/** What the queue needs to know of a batch: how many spans it holds and how large it is. */
export interface Sized {
  spans: number;
  bytes: number;
}

export interface QueueLimits {
  maxSpans: number;
  maxBytes: number;
}

/** What had to go to keep the queue within its limits. */
export interface Dropped {
  batches: number;
  spans: number;
}

const NONE: Dropped = { batches: 0, spans: 0 };

/**
 * The retry queue: batches waiting to be sent, oldest first, bounded by spans and by bytes. When a
 * batch would pass either bound the oldest batches go (recent spans matter more to someone
 * watching a backend), and the caller counts them. A batch larger than a bound on its own is
 * dropped alone rather than emptying the queue for nothing.
 */
export class BatchQueue<T extends Sized> {
  private readonly batches: T[] = [];
  private head = 0;
  private spanCount = 0;
  private byteCount = 0;

  constructor(private readonly limits: QueueLimits) {}

  get spans(): number {
    return this.spanCount;
  }

  get bytes(): number {
    return this.byteCount;
  }

  get length(): number {
    return this.batches.length - this.head;
  }

  /** Adds the newest batch. */
  push(batch: T): Dropped {
    if (this.tooLarge(batch)) return { batches: 1, spans: batch.spans };
    this.batches.push(batch);
    this.add(batch);
    return this.trim();
  }

  /** Puts a batch whose delivery failed back in front (it is the oldest again, so the first to go if the queue is full). */
  pushFront(batch: T): Dropped {
    if (this.tooLarge(batch)) return { batches: 1, spans: batch.spans };
    if (this.head > 0) this.batches[--this.head] = batch;
    else this.batches.unshift(batch);
    this.add(batch);
    return this.trim();
  }

  shift(): T | undefined {
    if (this.head >= this.batches.length) return undefined;
    const batch = this.batches[this.head];
    this.batches[this.head++] = undefined as never;
    // Compacted now and then, so shifting stays O(1) and the array does not grow without end.
    if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches.splice(0, this.head);
      this.head = 0;
    }
    this.spanCount -= batch.spans;
    this.byteCount -= batch.bytes;
    return batch;
  }

  /** Empties the queue, saying how many spans it held. */
  clear(): Dropped {
    const dropped = { batches: this.length, spans: this.spanCount };
    this.batches.length = 0;
    this.head = 0;
    this.spanCount = 0;
    this.byteCount = 0;
    return dropped;
  }

  private tooLarge(batch: T): boolean {
    return batch.spans > this.limits.maxSpans || batch.bytes > this.limits.maxBytes;
  }

  private add(batch: T): void {
    this.spanCount += batch.spans;
    this.byteCount += batch.bytes;
  }

  private trim(): Dropped {
    if (this.spanCount <= this.limits.maxSpans && this.byteCount <= this.limits.maxBytes) return NONE;
    const dropped = { batches: 0, spans: 0 };
    while (this.spanCount > this.limits.maxSpans || this.byteCount > this.limits.maxBytes) {
      const oldest = this.shift();
      if (!oldest) break;
      dropped.batches++;
      dropped.spans += oldest.spans;
    }
    return dropped;
  }
}
