// Screenshots of the dataset page with charts, a review run and the admin view at desktop (1280) and phone (375)
// width, against any server (the real stack, or fixture-server.mjs for layout work), and a check that nothing
// makes the page scroll sideways. Usage: node screens.mjs BASE_URL OUT_DIR DATASET_ID REVIEW_RUN_ID
// Signs in as admin@example.com. Prints one JSON line per page: {page, width, overflow, problems}.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, outDir, datasetId, reviewRunId] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const WAIT = { timeout: 30000 };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'] });
let failed = false;
try {
  for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 812 }]]) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/WebSocket|Failed to load resource/.test(m.text())) problems.push(m.text()); });
    await page.goto(baseUrl);
    await page.fill('#signin-email', 'admin@example.com');
    await page.fill('#signin-password', 'adminpassword');
    await page.click('#signin-button');
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    const shots = [
      ['dataset', `#/datasets/${datasetId}`, '#chart-daily svg.chart'],
      ['review-run', `#/runs/${reviewRunId}`, '#publish-section:not([hidden]) .review-samples details'],
      ['admin', '#/admin', '#health-strip[data-status]'],
      ['home', '#/', '.run .run-controls'],
    ];
    for (const [name, hash, ready] of shots) {
      await page.evaluate((h) => { location.hash = h; }, hash);
      await page.waitForSelector(ready, WAIT);
      if (name === 'dataset') await page.waitForSelector('#rows-section tbody tr', WAIT);
      await page.waitForTimeout(0);
      const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth);
      await page.screenshot({ path: join(outDir, `${label}-${name}.png`), fullPage: true });
      console.log(JSON.stringify({ page: name, width: viewport.width, overflow, problems: [...problems] }));
      if (overflow > 0 || problems.length) failed = true;
    }
    await context.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
