import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makeFolder, STORE_FILE_MODE } from '../store/storeFiles';

/** The store folder's access token for the REST API, the event stream, `/metrics`, `/mcp` and the browser UI. */
export const ACCESS_TOKEN_FILE = 'auth-token';
/** Where versions before the access token kept the MCP server's token; adopted once as the access token. */
export const LEGACY_MCP_TOKEN_FILE = 'mcp-token';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;
/** A token file is a line of text; anything larger is not one (and is never read whole). */
const MAX_TOKEN_FILE_BYTES = 1024;

export function accessTokenPath(storeDir: string): string {
  return join(storeDir, ACCESS_TOKEN_FILE);
}

/** A fresh unguessable token: 32 random bytes (256 bits), URL-safe. */
export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The store folder's access token, created (owner-only, 0600) on first start and reused after, so
 * addresses and scrape configurations keep working across restarts. A store of an earlier version
 * has its MCP token adopted (renamed), so MCP addresses already given to agents keep working and
 * deleting `auth-token` still rotates it.
 */
export async function readOrCreateAccessToken(storeDir: string): Promise<string> {
  const existing = await readTokenFile(accessTokenPath(storeDir));
  if (existing) {
    // A copy restored from a backup may have lost its owner-only mode.
    await chmod(accessTokenPath(storeDir), STORE_FILE_MODE).catch(() => undefined);
    return existing;
  }
  // Owner-only, and a clear error (not a loop or EEXIST) when the path cannot be a folder.
  await makeFolder(storeDir);
  const legacyPath = join(storeDir, LEGACY_MCP_TOKEN_FILE);
  const legacy = await readTokenFile(legacyPath);
  const winner = await publishToken(storeDir, legacy ?? newAccessToken());
  // Left in place, an adopted MCP token would come back after the user deleted `auth-token` to rotate it.
  if (legacy) await unlink(legacyPath).catch(() => undefined);
  return winner;
}

/**
 * The store's token without writing anything (a joining window, `loupe mcp`): `auth-token`, or the
 * MCP token of a store an earlier version wrote. Undefined when neither holds a token.
 */
export async function readAccessToken(storeDir: string): Promise<string | undefined> {
  return (await readTokenFile(accessTokenPath(storeDir))) ?? (await readTokenFile(join(storeDir, LEGACY_MCP_TOKEN_FILE)));
}

/**
 * Reads a token file named by a server's answer (see `probeLoupe`), with care: only a regular file
 * called `auth-token` or `mcp-token`, at most 1 KiB, opened without blocking (a FIFO cannot hang us).
 * What it holds is used only after the server has proved it knows that token.
 */
export async function readHintedTokenFile(path: string): Promise<string | undefined> {
  if (basename(path) !== ACCESS_TOKEN_FILE && basename(path) !== LEGACY_MCP_TOKEN_FILE) return undefined;
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_TOKEN_FILE_BYTES) return undefined;
    const text = (await handle.readFile('utf8')).trim();
    return TOKEN_SHAPE.test(text) ? text : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Constant-time comparison: both sides are hashed first, so neither the time nor an early length
 * mismatch says anything about how much of a guess was right.
 */
export function isAccessToken(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 512) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(candidate), digest(token));
}

/** A challenge a client sends with `/api/health` (`X-Loupe-Challenge`): random, URL-safe. */
export function newChallenge(): string {
  return randomBytes(18).toString('base64url');
}

export function isChallenge(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(value);
}

/**
 * What a Loupe answers to a challenge (`X-Loupe-Proof`): it shows that the server knows the token
 * before a client sends it one, and is bound to the port the server listens on, so a program that
 * took another port cannot relay a real Loupe's answer. A client never hands a token to a squatter.
 */
export function tokenProof(token: string, challenge: string, port: number): string {
  return createHmac('sha256', token).update(`loupe-access-proof\n${port}\n${challenge}`).digest('base64url');
}

export function isTokenProof(proof: string | undefined, token: string, challenge: string, port: number): boolean {
  if (typeof proof !== 'string') return false;
  const expected = Buffer.from(tokenProof(token, challenge, port));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readTokenFile(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return TOKEN_SHAPE.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts `token` in place as the store's `auth-token` unless another process got there first, and
 * returns whichever token is there. The file appears whole (written aside, then linked), so a
 * process starting at the same moment never reads it half written.
 */
async function publishToken(storeDir: string, token: string): Promise<string> {
  const target = accessTokenPath(storeDir);
  const aside = join(storeDir, `.${ACCESS_TOKEN_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(aside, token, { mode: STORE_FILE_MODE, flag: 'wx' });
  try {
    // Unlike rename, a hard link fails when the target exists: the first token published wins.
    await link(aside, target);
    return token;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A file system without hard links: create it in place (a simultaneous start may then read it empty and retry).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      await writeFile(target, token, { mode: STORE_FILE_MODE, flag: 'wx' });
      return token;
    }
    if (code !== 'EEXIST') throw error;
    const winner = await readTokenFile(target);
    if (winner) return winner;
    // What is there is not a token (damaged, or edited by hand): replace it.
    await rename(aside, target);
    return token;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}
