import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The page `--open` hands the browser, in the store folder (see `openWithToken`). */
export const OPEN_PAGE_FILE = 'open-ui.html';

/** A page that sends the browser on to `url` (which carries only URL-safe characters). */
export function openPageHtml(url: string): string {
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${url}"><title>Loupe</title><a href="${url}">Open Loupe</a>\n`;
}

/**
 * The browser is started with a file that redirects to the address, not the address itself: a
 * command line is visible to every local user (`ps`), the file only to its owner (the store folder
 * is 0700). Jupyter opens its token address the same way.
 */
export async function openWithToken(storeDir: string, url: string): Promise<void> {
  const file = join(storeDir, OPEN_PAGE_FILE);
  // Removed first: writing over an existing file would keep whatever mode it had.
  await rm(file, { force: true });
  await writeFile(file, openPageHtml(url), { mode: 0o600, flag: 'wx' });
  openInBrowser(pathToFileURL(file).href);
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.error('Could not open a browser; open the UI address above.'));
  child.unref();
}
