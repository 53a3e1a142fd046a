// Uploads files through the web app in headless Chromium and prints each run card as one JSON line.
// Usage: node upload.e2e.js BASE_URL FILE... ; exits non-zero if the page fails or no run becomes final in time.
'use strict';
const { chromium } = require('playwright-core');

const FINAL = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED'];

(async () => {
  const [baseUrl, ...files] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    await page.goto(baseUrl);
    const before = await page.locator('.run').count();
    await page.setInputFiles('#files', files);
    await page.click('button[type=submit]');
    // The new cards are the first ones: the page prepends each upload.
    await page.waitForFunction(([count, final]) => {
      const cards = [...document.querySelectorAll('.run')].slice(0, count);
      return cards.length === count && cards.every((card) => final.includes(card.querySelector('.status').textContent));
    }, [files.length, FINAL], { timeout: 60000, polling: 200 });
    const cards = await page.evaluate((count) => [...document.querySelectorAll('.run')].slice(0, count).map((card) => ({
      file: card.querySelector('.file').textContent,
      status: card.querySelector('.status').textContent,
      counts: card.querySelector('.counts').textContent,
      failure: card.querySelector('.failure').hidden ? null : card.querySelector('.failure').textContent,
      errorRows: [...card.querySelectorAll('tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent)),
    })), files.length);
    for (const card of cards) console.log(JSON.stringify(card));
    console.log(JSON.stringify({ previousCards: before, problems }));
  } finally {
    await browser.close();
  }
})().catch((error) => { console.error(error); process.exit(1); });
