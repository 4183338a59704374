import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { AgentCommand } from '../agent/agentProtocol';

/** The load-generating agent as a child process (TypeScript through tsx), called by message. */
export class AgentProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(`agent: ${message.error}`));
      else waiting?.resolve(message.result);
    });
    child.on('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`agent exited (code ${code})`));
      this.pending.clear();
    });
  }

  static start(): AgentProcess {
    const child = fork(join(__dirname, '..', 'agent', 'agentMain.ts'), [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new AgentProcess(child);
  }

  call<T>(command: AgentCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  /** Sends without waiting (for `stopSteady` while a `steady` call is running). */
  tell(command: AgentCommand): void {
    void this.call(command).catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
