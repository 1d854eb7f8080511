// The browser helper itself: Chromium opens a page, draws it, and reports a console error the page makes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserUnavailable, launchBrowser, openPage } from './browser.js';

const why = browserUnavailable();
if (why) console.log(`browser helper tests skipped: ${why}`);

describe.skipIf(!!why)('headless Chromium', () => {
  it('renders an SVG and reports the console error a page makes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'biglm-browser-'));
    const file = join(dir, 'page.html');
    writeFileSync(file, '<!doctype html><svg width="10" height="10"><rect width="5" height="5"/></svg><script>console.error("boom")</script>');
    const browser = await launchBrowser();
    try {
      const opened = await openPage(browser, pathToFileURL(file).href);
      expect(await opened.page.locator('svg rect').count()).toBe(1);
      expect(opened.errors).toEqual(['boom']);
      const png = await opened.page.screenshot();
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      await opened.close();
    } finally {
      await browser.close();
    }
  });
});
