/** The fewest bytes in flight the receivers allow, whatever the request limit. */
export const MIN_BYTES_IN_FLIGHT = 96 * 1024 * 1024;

/** Seconds an exporter is asked to wait (Retry-After, RetryInfo) when the receivers are full. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * The default bound on request bytes held at once across both receivers, whatever the request
 * limit. Each request is already capped on its own; without a shared bound, many concurrent
 * requests that each inflate to just under the cap fill memory. A request larger than the bound (a
 * long coding-agent turn of a few hundred MB) still passes while it is alone.
 */
export function defaultBytesInFlight(): number {
  return MIN_BYTES_IN_FLIGHT;
}

/** Why a request was turned away: too many bytes are already held by other requests. */
export class ReceiverBusyError extends Error {
  override readonly name = 'ReceiverBusyError';
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor(limit: number) {
    super(`Loupe is busy: requests in flight already hold ${Math.round(limit / (1024 * 1024))} MiB; retry in ${RETRY_AFTER_SECONDS} s.`);
  }
}

/** Bytes one request holds; grows as the body is read, released once the request is answered. */
export interface Reservation {
  /** The shared bound this reservation counts against. */
  readonly limit: number;
  /** Takes `bytes` more; false (holding nothing more) when that would pass the bound. */
  grow(bytes: number): boolean;
  /** Replaces what is held by exactly `bytes` (e.g. a worst case by the real size); false if that does not fit. */
  resize(bytes: number): boolean;
  /** Gives everything back; safe to call more than once. */
  release(): void;
}

interface Waiter {
  bytes: number;
  resolve: (reservation: Reservation) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One bound on the request bytes (decompressed) that the HTTP and gRPC receivers hold at once.
 * HTTP bodies grow their reservation as they inflate and are refused the moment it would pass the
 * bound; gRPC calls, which grpc-js inflates whole before Loupe sees them, wait briefly for room for
 * the largest message before their body is read.
 */
export class BytesInFlight {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  /**
   * `onLargeRelease` runs when a reservation of at least `largeBytes` is given back (the runtime
   * uses it to have the dead body collected).
   */
  constructor(
    readonly limit: number,
    private readonly onLargeRelease?: () => void,
    private readonly largeBytes = 8 * 1024 * 1024,
  ) {
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`The bytes-in-flight bound must be positive, got ${limit}.`);
  }

  /** Bytes held now by all requests. */
  get inUse(): number {
    return this.used;
  }

  /** A reservation holding nothing yet, for a body read piece by piece. */
  open(): Reservation {
    return this.reservation(0);
  }

  /**
   * A reservation of `bytes`, waiting up to `waitMs` for other requests to give back room; rejects
   * with a `ReceiverBusyError` when there is none by then (or when too many already wait).
   */
  admit(bytes: number, waitMs: number, maxWaiting = 64): Promise<Reservation> {
    const wanted = Math.min(bytes, this.limit);
    if (this.waiters.length === 0 && this.used + wanted <= this.limit) {
      this.used += wanted;
      return Promise.resolve(this.reservation(wanted));
    }
    if (this.waiters.length >= maxWaiting || waitMs <= 0) return Promise.reject(new ReceiverBusyError(this.limit));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes: wanted,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new ReceiverBusyError(this.limit));
        }, waitMs),
      };
      this.waiters.push(waiter);
    });
  }

  private reservation(initial: number): Reservation {
    let held = initial;
    let released = false;
    return {
      limit: this.limit,
      grow: (bytes) => {
        if (released) return false;
        // Past the bound only while nothing else is held: one large request alone may pass.
        if (this.used + bytes > this.limit && this.used !== held) return false;
        this.used += bytes;
        held += bytes;
        return true;
      },
      resize: (bytes) => {
        if (released) return false;
        if (this.used - held + bytes > this.limit && this.used !== held) return false;
        this.used += bytes - held;
        held = bytes;
        this.wakeWaiters();
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.used -= held;
        const large = held >= this.largeBytes;
        held = 0;
        this.wakeWaiters();
        if (large) this.onLargeRelease?.();
      },
    };
  }

  /** Admits waiters in arrival order while they fit. */
  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0].bytes <= this.limit) {
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      this.used += waiter.bytes;
      waiter.resolve(this.reservation(waiter.bytes));
    }
  }
}
