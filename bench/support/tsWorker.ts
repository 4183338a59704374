import { Worker, type ResourceLimits } from 'node:worker_threads';

/** A worker thread running a TypeScript file (tsx does not reach into workers by itself). */
export function startTsWorker(file: string, resourceLimits?: ResourceLimits): Worker {
  const tsx = require.resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
  return new Worker(boot, { eval: true, resourceLimits });
}

/** One request, one reply, for workers that answer messages in order. */
export function ask<T>(worker: Worker, message: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    worker.once('error', onError);
    worker.once('message', (value: T) => {
      worker.off('error', onError);
      resolve(value);
    });
    worker.postMessage(message);
  });
}
