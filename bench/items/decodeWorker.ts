import { parentPort } from 'node:worker_threads';
import { measureDecode } from './decode';

// Item 1 on a worker thread with the engine thread's young-generation size.
parentPort!.once('message', (message: { quick: boolean }) => {
  measureDecode(message.quick).then(
    (section) => parentPort!.postMessage(section),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
