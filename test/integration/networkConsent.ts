import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';

const CONSENT_BUTTON = 'Listen on the Network';

/** This machine's first non-loopback IPv4 address, where another machine would reach Loupe. */
export function networkAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

/**
 * Changes one machine setting the way editing its settings.json does; the workbench applies it
 * live. code-server runs extensions on its server, where machine-scoped settings such as
 * `loupe.receiver.host` come from the Machine file, not from User settings.
 */
function setMachineSetting(userDataDir: string, key: string, value: unknown): void {
  const file = path.join(userDataDir, 'Machine', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  const settings = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  settings[key] = value;
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

/** True when a TCP connection to address:port is accepted within a second. */
function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

interface OwnerRecord {
  host: string;
  httpPort: number | null;
}

/** The receiver the owning window publishes (ports are picked afresh at each engine start here). */
function readOwner(ownerFile: string): { text: string; owner?: OwnerRecord } {
  const text = existsSync(ownerFile) ? readFileSync(ownerFile, 'utf8') : '';
  try {
    return { text, owner: JSON.parse(text) as OwnerRecord };
  } catch {
    return { text };
  }
}

/** Waits for the engine to restart (the owner record changes) listening on `host`; returns its HTTP port. */
async function restartedOn(ownerFile: string, before: string, host: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  let last = '';
  while (Date.now() < deadline) {
    const { text, owner } = readOwner(ownerFile);
    last = text;
    if (text !== before && owner?.host === host && owner.httpPort && (await accepts('127.0.0.1', owner.httpPort))) return owner.httpPort;
    await sleep(250);
  }
  throw new Error(`the receiver did not restart on ${host}; owner file: ${last || 'none'}`);
}

async function answerConsentDialog(page: Page, button: string, shot?: () => Promise<unknown>): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 20_000 });
  assert.match(await dialog.innerText(), /other machines on the network/);
  await shot?.();
  await dialog.locator('.monaco-button', { hasText: button }).first().click();
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
}

/**
 * A non-loopback `loupe.receiver.host` asks first: Cancel keeps Loupe on 127.0.0.1 (nothing
 * reaches it from the network address), "Listen on the Network" opens it there. Ends on loopback.
 */
export async function checkNetworkConsent(page: Page, userDataDir: string, shot: (name: string) => Promise<unknown>): Promise<void> {
  const ownerFile = path.join(userDataDir, 'User', 'globalStorage', 'loupe-dev.loupe', 'owner.json');
  const address = networkAddress();
  const { text: initial, owner } = readOwner(ownerFile);
  assert.ok(owner?.httpPort, `an owner record with a port: ${initial}`);
  // Without a network interface (rare) the owner record's bind address is what is checked.
  const reachable = (port: number) => (address ? accepts(address, port) : Promise.resolve(undefined));
  assert.notEqual(await reachable(owner.httpPort), true, 'on loopback before any change');

  let before = initial;
  setMachineSetting(userDataDir, 'loupe.receiver.host', '0.0.0.0');
  await answerConsentDialog(page, 'Cancel', () => shot('ui-smoke-network-consent'));
  let port = await restartedOn(ownerFile, before, '127.0.0.1');
  assert.notEqual(await reachable(port), true, 'Cancel keeps the receiver off the network');

  before = readOwner(ownerFile).text;
  setMachineSetting(userDataDir, 'loupe.receiver.host', '127.0.0.1');
  await restartedOn(ownerFile, before, '127.0.0.1');
  before = readOwner(ownerFile).text;
  setMachineSetting(userDataDir, 'loupe.receiver.host', '0.0.0.0');
  await answerConsentDialog(page, CONSENT_BUTTON);
  port = await restartedOn(ownerFile, before, '0.0.0.0');
  assert.notEqual(await reachable(port), false, `the receiver accepts connections on ${address}`);

  before = readOwner(ownerFile).text;
  setMachineSetting(userDataDir, 'loupe.receiver.host', '127.0.0.1');
  port = await restartedOn(ownerFile, before, '127.0.0.1');
  assert.notEqual(await reachable(port), true, 'back on loopback only');
  await sleep(1_000);
  await shot('ui-smoke-after-network-consent');
}
