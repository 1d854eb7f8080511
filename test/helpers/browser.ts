// Headless Chromium for tests that look at what a person sees (reports, status pages): Debian's `chromium`
// package, driven by playwright-core (which downloads no browser of its own). Where no Chromium is installed
// the helper returns the reason instead, and the test skips saying it. `.ci/run` installs the package.

import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

const CANDIDATES = [process.env.BIGLM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary to use, or undefined when none is installed. */
export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

/** Why browser tests cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  return chromiumPath() ? undefined : 'no Chromium installed (apt-get install chromium, or set BIGLM_CHROMIUM)';
}

export interface OpenedPage {
  page: Page;
  /** Console messages of type error, and uncaught page errors, in order. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Starts Chromium headless with the flags this sandbox needs (no sandbox as root, no background networking:
 * the machine has no network and Chromium would otherwise retry Google's hosts at every start).
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(browserUnavailable());
  const { chromium } = await import('playwright-core');
  // playwright gives every launch a fresh, empty profile of its own.
  return chromium.launch({
    executablePath,
    headless: true,
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
}

/** Opens `url` (file:// or http://127.0.0.1) in a fresh page and records console errors and page errors. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, close: () => context.close() };
}
