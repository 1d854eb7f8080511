// The status page at `/` as a person sees it, in headless Chromium: every job listed with its state and
// progress, a working link to the report of each finished job, no console errors.
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../service/server.js';
import { browserUnavailable, launchBrowser, openPage } from '../helpers/browser.js';
import { client, makeRoots, prepareConfig, TOKEN, waitFor, type Roots } from './fixtures.js';

const why = browserUnavailable();
if (why) console.log(`status page browser test skipped: ${why}`);

describe.skipIf(why !== undefined)('the status page in Chromium', () => {
  let roots: Roots;
  let service: Service;
  let browser: Browser;
  beforeAll(async () => {
    roots = makeRoots(2, 30);
    service = await startService({ port: 0, threads: 1 }, { tokenFile: roots.tokenFile, dataRoot: roots.data, runsRoot: roots.runs });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
    rmSync(roots.dir, { recursive: true, force: true });
  });

  it('lists every job with progress and links finished ones to their report', async () => {
    const api = client(service.url);
    const done = (await api.send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig() })).json.id as string;
    await waitFor('the first job', async () => ((await api.get(`/v1/jobs/${done}`)).json.state === 'done' ? true : undefined));
    const cancelled = (await api.send('POST', '/v1/jobs', { kind: 'prepare', config: { ...prepareConfig(), seed: 3 } })).json.id as string;
    await api.send('DELETE', `/v1/jobs/${cancelled}`);
    await waitFor('the cancel', async () => ((await api.get(`/v1/jobs/${cancelled}`)).json.state === 'cancelled' ? true : undefined));

    const opened = await openPage(browser, `${service.url}/?token=${TOKEN}`);
    try {
      const { page } = opened;
      expect(await page.title()).toBe('biglm jobs');
      const rows = await page.$$eval('#jobs tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-job'), state: tr.getAttribute('data-state') })));
      expect(rows).toEqual([
        { id: cancelled, state: 'cancelled' },
        { id: done, state: 'done' },
      ]);
      expect(await page.textContent('#summary')).toBe('2 job(s): 0 running, 0 queued, 1 done, 0 failed, 1 cancelled, 0 interrupted');
      const bar = await page.$eval(`tr[data-job="${done}"] progress`, (p) => (p as HTMLProgressElement).value);
      expect(bar).toBe(100);
      expect(await page.$(`tr[data-job="${cancelled}"] a.report`)).toBeNull();
      await page.screenshot({ path: path.join(roots.runs, 'status-page.png') });
      // The report link opens the run's report, with its charts drawn.
      await Promise.all([page.waitForNavigation(), page.click(`tr[data-job="${done}"] a.report`)]);
      expect(page.url()).toBe(`${service.url}/v1/jobs/${done}/report?token=${TOKEN}`);
      expect(await page.$$eval('svg', (svgs) => svgs.filter((s) => s.querySelector('rect, path, circle, line')).length)).toBeGreaterThan(0);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
