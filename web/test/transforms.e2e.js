// Drives the mapping step's transformations in headless Chromium (Debian's /usr/bin/chromium) against a running local
// stack and prints what it saw as JSON lines ({"step": ...}) for WebAppTransformsBrowserTest to compare with the API.
// Usage: node transforms.e2e.js BASE_URL OUT_DIR CSV
//   CSV has a German "Kosten" column (one value not a number) and campaigns with spaces. The person types transforms
//   for spend and campaign, previews them (before → after, the bad value marked), then imports the file.
//   OUT_DIR/screenshots/transforms-preview.png is written. Every wait has a deadline; a failed expectation exits 1.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const FINAL = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED'];
const WAIT = { timeout: 120000 };
const [baseUrl, outDir, csv] = process.argv.slice(2);
const shots = path.join(outDir, 'screenshots');
fs.mkdirSync(shots, { recursive: true });
const emit = (step, data) => console.log(JSON.stringify({ step, ...data }));

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    const previews = [];
    const uploads = [];
    let runId = null;
    page.on('request', (r) => {
      const url = new URL(r.url()).pathname;
      if (r.method() === 'POST' && url === '/api/mappings/preview') previews.push(r.postDataJSON());
      if (r.method() === 'POST' && url === '/api/uploads') uploads.push(r.postDataJSON());
    });
    page.on('response', async (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/uploads' && r.status() === 201) {
        runId = (await r.json()).runId;
      }
    });
    await page.goto(baseUrl);
    await page.waitForSelector('#signin-view:not([hidden])', WAIT);
    await page.fill('#signin-email', 'demo@example.com');
    await page.fill('#signin-password', 'demo123');
    await page.click('#signin-button');
    await page.waitForSelector('body[data-ready="true"]', WAIT);

    await page.setInputFiles('#file-input', csv);
    const card = page.locator('.preview', { hasText: path.basename(csv) });
    await card.waitFor(WAIT);
    await card.locator('.transforms-box summary').click();
    await card.locator('input[name="transform-spend"]').fill("trim | parse_number('de-DE')");
    await card.locator('input[name="transform-campaign"]').fill('trim | upper');
    await card.locator('.preview-transforms').click();
    await card.locator('.transform-table').waitFor(WAIT);
    const table = await card.evaluate((c) => ({
      head: [...c.querySelectorAll('.transform-table thead th')].map((th) => th.textContent),
      cells: [...c.querySelectorAll('.transform-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map(
        (td) => ({ field: td.dataset.field, before: td.querySelector('.before').textContent,
          after: td.querySelector('.after').textContent, error: td.classList.contains('transform-error'),
          title: td.title || null }))),
      problems: [...c.querySelectorAll('.transform-problems li')].map((li) => li.textContent),
    }));
    await page.screenshot({ path: path.join(shots, 'transforms-preview.png'), fullPage: true });
    emit('preview', { request: previews[0] || null, table });

    await page.click('#import-button');
    const deadline = Date.now() + WAIT.timeout;
    while (!runId) {
      if (Date.now() > deadline) throw new Error('no upload was created');
      await new Promise((resolve) => { setTimeout(resolve, 50); });
    }
    await page.waitForFunction(([id, final]) => final.includes(
      document.querySelector(`.run[data-run-id="${id}"]`)?.dataset.status), [runId, FINAL], { ...WAIT, polling: 100 });
    emit('import', { runId, request: uploads[0] || null });
    if (problems.length) throw new Error(`page problems: ${problems.join('; ')}`);
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
