/**
 * Shared set-up of the browser tests: Debian's Chromium driven by playwright-core, headless,
 * with the flags of /work/.library/env/machines/node.md (no background networking: this
 * machine's network is closed) and a fresh profile per launch (playwright's launch() makes a new
 * temporary --user-data-dir each time and removes it on close). When Chromium cannot start,
 * the tests fail in CI (CI=true) with a message saying what to install; outside CI they are
 * skipped with the same message, so a laptop without Chromium can still run `npm test`.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Launched {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Launched | string> {
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return {
      browser,
      close: () => browser.close(),
    };
  } catch (e) {
    const why = `Chromium could not be launched from ${CHROMIUM}: ${(e as Error).message.split('\n')[0]} — install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
    if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(why);
    return why;
  }
}
