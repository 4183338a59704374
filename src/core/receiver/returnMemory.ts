import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type CollectGarbage = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let collector: CollectGarbage | null | undefined;

/**
 * V8's collector, obtained once without `--expose-gc` on the command line: the flag is set just long
 * enough to create one context that carries `gc`, then cleared so no other context gets it.
 */
function garbageCollector(): CollectGarbage | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: CollectGarbage }).gc;
  if (typeof exposed === 'function') return (collector = exposed);
  try {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as CollectGarbage;
  } catch {
    collector = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collector;
}

/**
 * After a large request body is dropped, asks V8 for a full collection soon (at most once per
 * `minIntervalMs`). A decompressed body lives outside the JS heap, which stays small, so V8 sees
 * no reason to collect and an idle server would keep hundreds of MiB of dead request bodies.
 */
export class MemoryReturner {
  private timer: NodeJS.Timeout | undefined;
  private lastRun = 0;

  constructor(
    private readonly delayMs = 100,
    private readonly minIntervalMs = 1_000,
  ) {}

  schedule(): void {
    if (this.timer) return;
    const wait = Math.max(this.delayMs, this.lastRun + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRun = Date.now();
      garbageCollector()?.();
    }, wait);
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
