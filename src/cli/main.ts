import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { version } from '../../package.json';
import { DEFAULT_REDACT_PATTERNS } from '../model/redaction';
import { isLoopbackBind } from '../model/hostNames';
import { accessTokenPath, readOrCreateAccessToken } from '../core/host/accessToken';
import { mcpUrl } from '../model/mcpAddress';
import { WorkerLoupe } from '../core/host/workerLoupe';
import type { SerializedReceiverStatus } from '../core/host/workerProtocol';
import { runMcpStdio } from './mcpCommand';
import { OPEN_PAGE_FILE, openWithToken } from './openPage';
import { parseCli, USAGE, type ServeOptions } from './serveArgs';
import { forwardingChangeLine, type ForwardingState } from '../model/continuousForwarding';

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** What a listener that could not start says (a busy port names itself and what holds it). */
function listenerFailures(status: SerializedReceiverStatus): string[] {
  return [status.grpc, status.http].flatMap((listener) => (listener.state === 'failed' ? [listener.message] : []));
}

async function serve(options: ServeOptions): Promise<number> {
  // Read (or created) before the engine thread starts, so the addresses printed below carry it.
  // A store that cannot hold it (a file in the way, no permission) stops the start here, saying why.
  const accessToken = await readOrCreateAccessToken(options.storeDir);
  let forwardingState: ForwardingState | undefined;
  // The same engine thread the VS Code extension runs (dist/engineWorker.js beside this file),
  // with its larger young generation: ingest and big trace views cost a third less CPU there.
  const loupe = await WorkerLoupe.start(
    join(__dirname, 'engineWorker.js'),
    {
      host: options.host,
      grpcPort: options.grpcPort,
      httpPort: options.httpPort,
      storeDir: options.storeDir,
      maxTraces: options.maxTraces,
      maxBytes: options.maxBytes,
      maxAgeMs: options.maxAgeMs,
      maxMessageBytes: options.maxMessageBytes,
      maxRequestBytes: options.maxRequestBytes,
      redact: options.redact && [...DEFAULT_REDACT_PATTERNS, ...options.redact],
      budgets: options.budgets,
      forwarding: options.forwarding,
      staticDir: join(__dirname, 'webview'),
      version,
      accessToken,
    },
    {
      onStoreError: (message) => console.error(`Warning: ${message} Traces are kept in memory until the store can be written again.`),
      onStoreRecovered: () => console.error('The trace store can be written again.'),
      onBudgetCrossing: (crossing) => console.log(`Budget ${crossing.level}: ${crossing.message}`),
      // One line per change of state (down, back up, dropping), not one per retry.
      onForwardingStatus: (status, changed) => {
        if (!changed) return;
        const line = forwardingChangeLine(forwardingState, status, Date.now());
        forwardingState = status.state;
        if (status.state === 'ok' || (status.state === 'off' && !status.problem)) console.log(line);
        else console.error(`Warning: ${line}`);
      },
      onCrash: (message) => {
        console.error(`loupe: ${message}`);
        process.exit(1);
      },
    },
  );
  for (const problem of loupe.loadProblems) console.error(`Warning: ${problem}`);

  const status = await loupe.startReceivers();
  const failures = listenerFailures(status);
  if (failures.length > 0) {
    for (const message of failures) console.error(`Error: ${message}`);
    await loupe.close();
    return 1;
  }
  const host = urlHost(options.host);
  const grpcPort = status.grpc.state === 'listening' ? status.grpc.port : 0;
  const httpPort = status.http.state === 'listening' ? status.http.port : 0;
  // Opening it sets the token as a cookie and drops it from the address bar.
  const uiUrl = `http://${host}:${httpPort}/?token=${accessToken}`;
  console.log(`Loupe ${version}: keeping up to ${options.maxTraces} traces in ${options.storeDir}`);
  console.log(`OTLP/gRPC listening on ${host}:${grpcPort}`);
  console.log(`OTLP/HTTP listening on http://${host}:${httpPort}/v1/traces, /v1/logs and /v1/metrics`);
  console.log(
    `UI and REST API on ${uiUrl} (the REST API takes the token as "Authorization: Bearer"; it is kept in ${accessTokenPath(options.storeDir)})`,
  );
  console.log(`MCP server (streamable HTTP) on ${mcpUrl(options.host, httpPort, accessToken)}`);
  if (!isLoopbackBind(options.host)) {
    console.error(`Warning: listening on ${options.host} exposes your traces (prompts included) to the network.`);
  }
  if (options.open) await openWithToken(options.storeDir, uiUrl).catch(() => console.error(`Could not open a browser; visit ${uiUrl}`));

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        console.error(`${signal} again: exiting without waiting for the store.`);
        process.exit(1);
      }
      stopping = true;
      console.log(`${signal}: stopping and writing the store…`);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const report = await loupe.close();
  if (report.unforwardedSpans) {
    console.error(
      `Warning: ${report.unforwardedSpans} span${report.unforwardedSpans === 1 ? ' was' : 's were'} still waiting to be forwarded and were not sent.`,
    );
  }
  if (options.open) await rm(join(options.storeDir, OPEN_PAGE_FILE), { force: true }).catch(() => undefined);
  if (report.unsaved > 0) {
    // The traces existed only in memory: the user must hear that they are gone, and scripts must see it.
    console.error(
      `Error: ${report.unsaved} trace change${report.unsaved === 1 ? '' : 's'} could not be written to ${options.storeDir} ` +
        `and ${report.unsaved === 1 ? 'is' : 'are'} lost${report.error ? `: ${report.error}` : '.'}`,
    );
    console.log('Stopped without saving everything.');
    return 1;
  }
  console.log('Stopped.');
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv, process.env);
  switch (command.command) {
    case 'help':
      console.log(USAGE);
      return 0;
    case 'version':
      console.log(version);
      return 0;
    case 'usage-error':
      console.error(`loupe: ${command.message}\n\n${USAGE}`);
      return 2;
    case 'serve':
      return serve(command.options);
    case 'mcp':
      return runMcpStdio(command.options, version);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`loupe: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
