import { parentPort } from 'node:worker_threads';
import { DiscardServers } from './discardServers';

// The discard receivers on a worker thread of their own: the same shape as Loupe's engine thread.
const servers = new DiscardServers();
parentPort!.on('message', (message: { type: 'start' | 'counts' | 'stop' }) => {
  const reply = (value: unknown) => parentPort!.postMessage(value);
  if (message.type === 'start') void servers.start().then(reply);
  else if (message.type === 'counts') reply({ ...servers.counts });
  else void servers.stop().then(() => reply(null));
});
