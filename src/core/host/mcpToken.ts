import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolder } from '../store/storeFiles';

export const MCP_TOKEN_FILE = 'mcp-token';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;

/** A fresh unguessable token: 32 random bytes, URL-safe. */
export function newMcpToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The MCP token kept in the store folder, so the address a coding agent was given keeps working
 * across restarts. Created (readable by the owner only) when missing or unreadable as a token.
 */
export async function readOrCreateMcpToken(storeDir: string): Promise<string> {
  const existing = await readMcpToken(storeDir);
  if (existing) return existing;
  const token = newMcpToken();
  // Owner-only, and a clear error (not a loop or EEXIST) when the path cannot be a folder.
  await makeFolder(storeDir);
  try {
    // `wx`: when two processes start at once, the first token written wins and both use it.
    await writeFile(join(storeDir, MCP_TOKEN_FILE), token, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readMcpToken(storeDir);
    if (winner) return winner;
    await writeFile(join(storeDir, MCP_TOKEN_FILE), token, { mode: 0o600 });
  }
  return token;
}

/** The stored token, or undefined when there is none (or the file holds something else). */
export async function readMcpToken(storeDir: string): Promise<string | undefined> {
  try {
    const text = (await readFile(join(storeDir, MCP_TOKEN_FILE), 'utf8')).trim();
    return TOKEN_SHAPE.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time comparison, so the answer time says nothing about how much of a guess was right. */
export function isMcpToken(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
