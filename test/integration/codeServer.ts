import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InstalledTools } from './installedTools';

export interface CodeServerOptions {
  tools: InstalledTools;
  /** Scratch folder for XDG dirs, user data, extensions and the log; removed by the caller. */
  scratchDir: string;
  workspace: string;
  /** Extra environment, inherited by the extension host (e.g. the results-file path). */
  env: Record<string, string>;
  startTimeoutMs?: number;
}

export interface RunningCodeServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** host:port as the workbench names its remote authority */
  authority: string;
  logPath: string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

// A quiet, offline workbench: no start page, chat, update checks, telemetry or experiments.
const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
};

const listeningPattern = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))/;

/** Starts code-server in its own process group so stop() also ends the extension hosts it forked. */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const { tools, scratchDir, workspace } = options;
  for (const dir of ['config', 'data', 'cache', 'tmp', 'user-data/User', 'extensions']) {
    mkdirSync(path.join(scratchDir, dir), { recursive: true });
  }
  writeFileSync(path.join(scratchDir, 'user-data', 'User', 'settings.json'), JSON.stringify(quietSettings, null, 2));
  const logPath = path.join(scratchDir, 'code-server.log');
  const logFd = openSync(logPath, 'a');
  const child = spawn(
    tools.codeServer,
    [
      '--config',
      '/dev/null',
      '--bind-addr',
      '127.0.0.1:0',
      '--auth',
      'none',
      '--vscode-option',
      'enable-smoke-test-driver',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      path.join(scratchDir, 'user-data'),
      '--extensions-dir',
      path.join(scratchDir, 'extensions'),
      workspace,
    ],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        // code-server's launcher runs on whichever node is first on PATH; it needs Node 24.
        PATH: `${path.dirname(tools.node)}${path.delimiter}${process.env.PATH ?? ''}`,
        XDG_CONFIG_HOME: path.join(scratchDir, 'config'),
        XDG_DATA_HOME: path.join(scratchDir, 'data'),
        XDG_CACHE_HOME: path.join(scratchDir, 'cache'),
        TMPDIR: path.join(scratchDir, 'tmp'),
        // No marketplace: keeps the workbench from querying open-vsx.org.
        EXTENSIONS_GALLERY: '{}',
        ...options.env,
      },
    },
  );
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logTail = (lines = 40): string => tailOf(logPath, lines);
  const stop = (): Promise<void> => stopProcessGroup(child, exited);

  try {
    const origin = await waitForListening(child, logPath, options.startTimeoutMs ?? 60_000);
    await waitForHealthy(origin, 20_000);
    return { origin, authority: new URL(origin).host, logPath, logTail, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- code-server log (tail) ---\n${logTail()}`, { cause: error });
  }
}

async function waitForListening(child: ChildProcess, logPath: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = listeningPattern.exec(readFileSync(logPath, 'utf8'));
    if (match) return match[1];
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited during startup (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    await sleep(100);
  }
  throw new Error(`code-server did not report a listening address within ${timeoutMs} ms`);
}

async function waitForHealthy(origin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return;
    } catch {
      // Not accepting connections yet.
    }
    await sleep(200);
  }
  throw new Error(`code-server at ${origin} did not answer /healthz within ${timeoutMs} ms`);
}

async function stopProcessGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const stoppedInTime = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  // Extension hosts may outlive the server process; SIGKILL the whole group regardless.
  signalGroup('SIGKILL');
  if (!stoppedInTime) await Promise.race([exited, sleep(2_000)]);
}

function tailOf(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
