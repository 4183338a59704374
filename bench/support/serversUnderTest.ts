import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerLoupe } from '../../src/core/host/workerLoupe';
import { LoupeRuntime } from '../../src/core/host/loupeRuntime';
import type { LoupeApi } from '../../src/model/api';
import type { ContinuousForwarding } from '../../src/model/continuousForwarding';
import { ask, startTsWorker } from './tsWorker';

export const ROOT = join(__dirname, '..', '..');
export const ENGINE_WORKER = join(ROOT, 'dist', 'engineWorker.js');

let built = false;

/** Builds dist/ (engine worker, CLI, web UI) once per run, as `npm run test:browser` does. */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}

export interface ServerUnderTest {
  name: string;
  grpcPort: number;
  httpPort: number;
  /** The Loupe behind the ports (absent for the discard servers). */
  api?: LoupeApi & { flush?(): Promise<void> };
  storeDir?: string;
  close(): Promise<void>;
}

export interface LoupeSettings {
  maxTraces?: number;
  maxBytes?: number;
  /** Keep traces in memory only. */
  noStore?: boolean;
  /** Continuous forwarding of every span received. */
  forwarding?: ContinuousForwarding;
}

function tempStore(settings: LoupeSettings): string | undefined {
  return settings.noStore ? undefined : mkdtempSync(join(tmpdir(), 'loupe-bench-store-'));
}

/** Loupe as the VS Code extension runs it: the runtime in a worker thread from dist/engineWorker.js. */
export async function startWorkerLoupe(settings: LoupeSettings = {}): Promise<ServerUnderTest & { loupe: WorkerLoupe }> {
  ensureBuilt();
  const storeDir = tempStore(settings);
  const loupe = await WorkerLoupe.start(ENGINE_WORKER, {
    host: '127.0.0.1',
    grpcPort: 0,
    httpPort: 0,
    storeDir,
    maxTraces: settings.maxTraces,
    maxBytes: settings.maxBytes,
    forwarding: settings.forwarding,
    version: 'bench',
  });
  const status = await loupe.startReceivers();
  if (status.grpc.state !== 'listening' || status.http.state !== 'listening')
    throw new Error(`Loupe did not listen: ${JSON.stringify(status)}`);
  return {
    name: 'Loupe (worker)',
    loupe,
    api: loupe,
    grpcPort: status.grpc.port,
    httpPort: status.http.port,
    storeDir,
    close: async () => {
      await loupe.close();
      if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** Loupe on the calling thread (the contrast for editor responsiveness). */
export async function startInProcessLoupe(settings: LoupeSettings = {}): Promise<ServerUnderTest & { runtime: LoupeRuntime }> {
  const storeDir = tempStore(settings);
  const runtime = await LoupeRuntime.open({
    host: '127.0.0.1',
    grpcPort: 0,
    httpPort: 0,
    storeDir,
    maxTraces: settings.maxTraces,
    maxBytes: settings.maxBytes,
    version: 'bench',
  });
  const status = await runtime.startReceivers();
  if (status.grpc.state !== 'listening' || status.http.state !== 'listening') throw new Error('in-process Loupe did not listen');
  return {
    name: 'Loupe (in-process)',
    runtime,
    api: runtime.engine,
    grpcPort: status.grpc.port,
    httpPort: status.http.port,
    storeDir,
    close: async () => {
      await runtime.close();
      if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** Transport-only receivers on a worker thread. */
export async function startDiscard(): Promise<ServerUnderTest & { counts(): Promise<{ requests: number; bytes: number }> }> {
  const worker = startTsWorker(join(__dirname, '..', 'servers', 'discardWorker.ts'));
  const ports = await ask<{ grpcPort: number; httpPort: number }>(worker, { type: 'start' });
  return {
    name: 'discard',
    ...ports,
    counts: () => ask(worker, { type: 'counts' }),
    close: async () => {
      await ask(worker, { type: 'stop' });
      await worker.terminate();
    },
  };
}
