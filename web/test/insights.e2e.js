// Drives publishing, analytics and the admin view in headless Chromium (Debian's /usr/bin/chromium) against a running
// local stack and prints what it saw as JSON lines ({"step": ...}) for WebAppInsightsBrowserTest to compare with the
// API and with its own sums over the files.
// Usage: node insights.e2e.js BASE_URL OUT_DIR FIRST_CSV SECOND_CSV
//   The demo user makes a dataset "upsert + review" in the form, imports FIRST_CSV and SECOND_CSV (a correction of
//   some keys plus new ones), publishes each from the review through the buttons (the run page, then the run card),
//   reads the dataset page (KPI tiles, charts, rows, compare), rolls the second run back through the button and its
//   confirmation, and reads the dataset page again. The admin then filters the admin view; the demo user has none.
//   Live, without navigating: a second tab of the demo user keeps the dataset page open from the first publish on
//   (its tiles follow the second run's publish and its rollback; its compare form then offers both runs), and an
//   admin tab keeps #/admin open while the demo user's second run appears in it. An admin tab whose WebSocket is
//   refused polls instead: a pulled run appears in it and reaches SUCCEEDED there.
//   OUT_DIR/screenshots/insights-*.png at desktop (1280) and phone (375) width. Every wait has a deadline.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const FINAL = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED', 'ROLLED_BACK'];
const WAIT = { timeout: 150000 };
const [baseUrl, outDir, firstCsv, secondCsv] = process.argv.slice(2);
const USERS = { demo: { email: 'demo@example.com', password: 'demo123' },
  admin: { email: 'admin@example.com', password: 'adminpassword' } };
const shots = path.join(outDir, 'screenshots');
fs.mkdirSync(shots, { recursive: true });
const stamp = Date.now().toString(36);
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };

const emit = (step, data) => console.log(JSON.stringify({ step, ...data }));
function expect(condition, message) {
  if (!condition) throw new Error(`expectation failed: ${message}`);
}
const expectedNoise = (text) => /WebSocket connection to .* failed/.test(text)
  || /Failed to load resource.*(404|409)/.test(text);

async function newPage(browser, problems) {
  const context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expectedNoise(message.text())) problems.push(`console: ${message.text()}`);
  });
  return page;
}

async function open(page, user) {
  await page.goto(baseUrl);
  await page.waitForSelector('#signin-view:not([hidden])', WAIT);
  await page.fill('#signin-email', user.email);
  await page.fill('#signin-password', user.password);
  await page.click('#signin-button');
  await page.waitForSelector('body[data-ready="true"]', WAIT);
}

const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);
const tokenOf = (page) => page.evaluate(
  () => JSON.parse(sessionStorage.getItem('sluice.session') || 'null')?.token || null);
async function apiGet(page, apiPath) {
  const response = await page.request.get(`${baseUrl}api/${apiPath}`,
    { headers: { Authorization: `Bearer ${await tokenOf(page)}` } });
  return { status: response.status(), body: await response.json().catch(() => null) };
}
async function apiPost(page, apiPath, body) {
  const response = await page.request.post(`${baseUrl}api/${apiPath}`, { data: body,
    headers: { Authorization: `Bearer ${await tokenOf(page)}`, 'Content-Type': 'application/json' } });
  return { status: response.status(), body: await response.json().catch(() => null) };
}

/** Serves one CSV file on a loopback port (the local runtime lets sources pull from loopback URLs). */
function serveCsv(text) {
  const server = require('node:http').createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/csv' });
    response.end(text);
  });
  return new Promise((resolve) => { server.listen(0, '127.0.0.1', () => resolve(server)); });
}
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** A full-page screenshot at desktop and at phone width; returns the phone width's sideways overflow. */
async function shootBoth(page, name, ready) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, `insights-desktop-${name}.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  if (ready) await page.waitForSelector(ready, WAIT);
  // The charts redraw for the narrower box on the next animation frame.
  await page.evaluate(() => new Promise((resolve) => { requestAnimationFrame(() => requestAnimationFrame(resolve)); }));
  const wide = await overflow(page);
  await page.screenshot({ path: path.join(shots, `insights-phone-${name}.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  return wide;
}

const createdRuns = new Map();

async function awaitRun(fileName) {
  const deadline = Date.now() + WAIT.timeout;
  while (!createdRuns.has(fileName)) {
    expect(Date.now() < deadline, `an upload of ${fileName} was created`);
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
  return createdRuns.get(fileName);
}

/** Waits until the run's card (kept in the list, also while another view shows) says one of these states. */
const awaitStatus = (page, runId, statuses) => page.waitForFunction(([id, wanted]) => wanted.includes(
  document.querySelector(`.run[data-run-id="${id}"]`)?.dataset.status), [runId, statuses], { ...WAIT, polling: 100 });

async function importFile(page, datasetId, file) {
  await go(page, `#/datasets/${datasetId}`);
  await page.waitForSelector('#import-into', WAIT);
  await page.click('#import-into');
  await page.waitForSelector('#home-view:not([hidden])', WAIT);
  await page.setInputFiles('#file-input', file);
  await page.locator('.preview', { hasText: path.basename(file) }).waitFor(WAIT);
  await page.click('#import-button');
  const runId = await awaitRun(path.basename(file));
  await awaitStatus(page, runId, ['REVIEW', ...FINAL]);
  return runId;
}

const reviewCountsShown = (page, root) => page.evaluate((selector) => Object.fromEntries(
  [...document.querySelectorAll(`${selector} .review-counts li`)].map((li) => [li.dataset.count,
    Number(li.querySelector('strong').textContent.replace(/,/g, ''))])), root);

const tilesOf = (page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#kpi-tiles .kpi')]
  .map((li) => [li.dataset.kpi, li.querySelector('.kpi-value').textContent])));

/** Waits, on a page left where it is, until the spend tile shows something other than `before`. */
async function awaitSpendTile(page, before) {
  await page.waitForFunction((was) => {
    const tile = document.querySelector('#kpi-tiles .kpi[data-kpi="spend"] .kpi-value');
    return tile && tile.textContent !== was;
  }, before, { ...WAIT, polling: 100 });
  return tilesOf(page);
}

const compareFormOf = (page) => page.evaluate(() => ({
  hidden: document.querySelector('#compare-section form').hidden,
  options: [...document.querySelectorAll('#compare-a option')].map((o) => o.value),
  a: document.querySelector('#compare-a').value,
  b: document.querySelector('#compare-b').value,
  message: document.querySelector('#compare-result').textContent,
  error: document.querySelector('#compare-section .form-error').hidden ? ''
    : document.querySelector('#compare-section .form-error').textContent,
}));

async function readDatasetPage(page, datasetId) {
  await go(page, `#/datasets/${datasetId}`);
  await page.waitForSelector('#kpi-tiles .kpi', WAIT);
  await page.waitForSelector('#chart-daily svg.chart', WAIT);
  await page.waitForSelector('#chart-channels svg.chart', WAIT);
  await page.waitForFunction(() => document.querySelector('#rows-section tbody tr')
    || !document.querySelector('#rows-section .empty').hidden, null, WAIT);
  return page.evaluate(() => ({
    tiles: Object.fromEntries([...document.querySelectorAll('#kpi-tiles .kpi')].map((li) => [li.dataset.kpi,
      li.querySelector('.kpi-value').textContent])),
    dailyLabel: document.querySelector('#chart-daily svg').getAttribute('aria-label'),
    dailyRole: document.querySelector('#chart-daily svg').getAttribute('role'),
    dailyDays: document.querySelectorAll('#chart-daily rect.hover').length,
    dailyTitles: [...document.querySelectorAll('#chart-daily rect.hover title')].map((t) => t.textContent),
    dailyTableRows: document.querySelectorAll('#chart-daily details tbody tr').length,
    channelBars: [...document.querySelectorAll('#chart-channels .bar-row title')].map((t) => t.textContent),
    campaignBars: [...document.querySelectorAll('#chart-campaigns .bar-row title')].map((t) => t.textContent),
    anomalies: [...document.querySelectorAll('#anomalies li')].map((li) => li.textContent),
    rows: [...document.querySelectorAll('#rows-section tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
  }));
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  const phoneOverflow = {};
  try {
    const page = await newPage(browser, problems);
    page.on('response', async (r) => {
      if (r.request().method() !== 'POST' || new URL(r.url()).pathname !== '/api/uploads' || r.status() !== 201) return;
      createdRuns.set(r.request().postDataJSON().fileName, (await r.json()).runId);
    });
    await open(page, USERS.demo);

    // ------------------------------------------------------------------ no admin view for a non-admin
    const me = (await apiGet(page, 'me')).body;
    const adminLinkVisible = await page.isVisible('#admin-link');
    await go(page, '#/admin');
    await page.waitForSelector('#admin-view:not([hidden]) h1', WAIT);
    emit('demo', { me, adminLinkVisible, adminRoute: await page.textContent('#admin-view h1'),
      adminApi: (await apiGet(page, 'admin/runs')).status });

    // ------------------------------------------------- a dataset set to upsert with review, in the form
    const name = `Insights ${stamp}`;
    await go(page, '#/datasets');
    await page.waitForSelector('#create-dataset', WAIT);
    await page.fill('#new-name', name);
    await page.click('#create-dataset button[type="submit"]');
    await page.waitForFunction((n) => document.getElementById('dataset-title')?.textContent === n, name, WAIT);
    const datasetId = decodeURIComponent(new URL(page.url()).hash.replace('#/datasets/', ''));
    await page.selectOption('#edit-strategy', 'upsert');
    await page.check('#edit-review');
    await page.click('#dataset-settings button[type="submit"]');
    await page.waitForFunction(() => /^Saved/.test(document.querySelector('#dataset-settings .save-status').textContent),
      null, WAIT);
    emit('settings', { datasetId, api: (await apiGet(page, `datasets/${datasetId}`)).body,
      summary: await page.textContent('#dataset-publish-summary') });

    // ------------------------------------------- the first file: review on the run page, Publish there
    const first = await importFile(page, datasetId, firstCsv);
    await go(page, `#/runs/${first}`);
    await page.waitForSelector('#publish-section:not([hidden]) .review-counts li', WAIT);
    await page.waitForSelector('#publish-section .review-samples details, #publish-section .review-samples p', WAIT);
    const firstShown = await reviewCountsShown(page, '#publish-section');
    const firstReview = (await apiGet(page, `runs/${first}/review`)).body;
    const samples = await page.evaluate(() => [...document.querySelectorAll('#publish-section .sample-kind')]
      .map((d) => ({ kind: d.dataset.kind, rows: d.querySelectorAll('tbody tr').length })));
    phoneOverflow.reviewRun = await shootBoth(page, 'review-run', '#publish-section .review-counts');
    await page.click('#publish-section .action-publish');
    await awaitStatus(page, first, ['SUCCEEDED', 'PARTIAL']);
    await page.waitForSelector('#publish-section .publication-line[data-state="published"]', WAIT);
    emit('first', { runId: first, shown: firstShown, review: firstReview, samples,
      publicationLine: await page.textContent('#publish-section .publication-line'),
      api: (await apiGet(page, `runs/${first}`)).body });

    // ------------- tabs left open from here on: the demo user's dataset page, and the admin's view of all runs
    const watch = await newPage(browser, problems);
    await open(watch, USERS.demo);
    await go(watch, `#/datasets/${datasetId}`);
    await watch.waitForSelector('#kpi-tiles .kpi', WAIT);
    await watch.waitForFunction(() => /Two imports/.test(document.querySelector('#compare-result')?.textContent || ''),
      null, WAIT);
    const watchBefore = { tiles: await tilesOf(watch), compare: await compareFormOf(watch) };
    const watchUrl = watch.url();
    const admin = await newPage(browser, problems);
    await open(admin, USERS.admin);
    await admin.waitForSelector('#admin-link:not([hidden])', WAIT);
    await go(admin, '#/admin');
    await admin.waitForSelector('#health-strip[data-status]', WAIT);
    const loads = () => admin.evaluate(() => Number(document.querySelector('#admin-view tbody').dataset.loads || 0));
    await admin.waitForFunction(() => Number(document.querySelector('#admin-view tbody').dataset.loads || 0) > 0,
      null, WAIT);
    const adminLoadsBefore = await loads();

    // ------------------------------------------- the correction: Publish from its card in the list
    const second = await importFile(page, datasetId, secondCsv);
    // The admin's open view shows the demo user's new run by itself (the "all" scope), without loading its list again.
    await admin.waitForSelector(`#admin-view tbody tr[data-run-id="${second}"]`, WAIT);
    const adminLive = await admin.evaluate((id) => {
      const tr = document.querySelector(`#admin-view tbody tr[data-run-id="${id}"]`);
      return { status: tr.dataset.status, owner: tr.querySelector('.owner').textContent,
        first: document.querySelector('#admin-view tbody tr[data-run-id]').dataset.runId === id };
    }, second);
    emit('adminLive', { ...adminLive, runId: second, loadsBefore: adminLoadsBefore, loadsAfter: await loads(),
      hash: await admin.evaluate(() => location.hash) });
    await go(page, '#/');
    const card = `.run[data-run-id="${second}"]`;
    await page.waitForSelector(`${card} .action-publish`, WAIT);
    await page.waitForSelector(`${card} .review-counts li`, WAIT);
    const secondShown = await reviewCountsShown(page, card);
    const secondReview = (await apiGet(page, `runs/${second}/review`)).body;
    await page.click(`${card} .action-publish`);
    await awaitStatus(page, second, ['SUCCEEDED', 'PARTIAL']);
    await page.waitForSelector(`${card} .action-rollback`, WAIT);
    emit('second', { runId: second, shown: secondShown, review: secondReview,
      api: (await apiGet(page, `runs/${second}`)).body });

    // The dataset page left open in the other tab follows the publish: tiles, then a compare form of both runs.
    const watchTiles = await awaitSpendTile(watch, watchBefore.tiles.spend);
    await watch.waitForFunction(() => document.querySelectorAll('#compare-a option').length === 2
      && !document.querySelector('#compare-section form').hidden, null, WAIT);
    const watchCompare = await compareFormOf(watch);
    await watch.click('#compare-button');
    // The counts, or the form's complaint (two equal runs chosen) for the test to report.
    await watch.waitForFunction(() => document.querySelector('#compare-counts')
      || !document.querySelector('#compare-section .form-error').hidden, null, WAIT);
    const watchCounts = await watch.evaluate(() => document.querySelector('#compare-counts')?.textContent
      || document.querySelector('#compare-section .form-error').textContent);
    phoneOverflow.datasetLive = await shootBoth(watch, 'dataset-live', '#chart-daily svg.chart');
    emit('live', { before: watchBefore, tiles: watchTiles, compare: watchCompare, counts: watchCounts,
      sameUrl: watch.url() === watchUrl, analytics: (await apiGet(watch, `datasets/${datasetId}/analytics`)).body });

    // --------------------------------------------------------- the dataset page against the API
    const shown = await readDatasetPage(page, datasetId);
    const analytics = (await apiGet(page, `datasets/${datasetId}/analytics?groupBy=day`)).body;
    const channels = (await apiGet(page, `datasets/${datasetId}/analytics?groupBy=channel`)).body;
    const rows = (await apiGet(page, `datasets/${datasetId}/rows?limit=25`)).body;
    await page.selectOption('#compare-a', first);
    await page.selectOption('#compare-b', second);
    await page.click('#compare-button');
    await page.waitForSelector('#compare-counts', WAIT);
    const compareShown = {
      counts: await page.textContent('#compare-counts'),
      items: await page.evaluate(() => [...document.querySelectorAll('#compare-result tbody tr')]
        .map((tr) => [...tr.cells].map((c) => c.textContent))),
    };
    const compare = (await apiGet(page, `datasets/${datasetId}/compare?a=${first}&b=${second}&limit=50`)).body;
    phoneOverflow.dataset = await shootBoth(page, 'dataset', '#chart-daily svg.chart');
    emit('analytics', { shown, analytics, channels, rows, compareShown, compare });

    // ------------------------------------------------- roll the correction back through its button
    await go(page, `#/runs/${second}`);
    await page.waitForSelector('#publish-section .action-rollback', WAIT);
    await page.click('#publish-section .action-rollback');
    await page.waitForSelector('dialog.confirm-dialog[open]', WAIT);
    const dialog = await page.evaluate(() => ({
      title: document.querySelector('dialog.confirm-dialog h2').textContent,
      text: document.querySelector('dialog.confirm-dialog p').textContent,
      focused: document.activeElement.textContent,
    }));
    await page.click('dialog.confirm-dialog .confirm-action');
    await awaitStatus(page, second, ['ROLLED_BACK']);
    await page.waitForSelector('#publish-section .publication-line[data-state="rolled_back"]', WAIT);
    emit('rollback', { dialog, line: await page.textContent('#publish-section .publication-line'),
      api: (await apiGet(page, `runs/${second}`)).body,
      rows: (await apiGet(page, `datasets/${datasetId}/rows?limit=1000`)).body });
    const after = await readDatasetPage(page, datasetId);
    emit('afterRollback', { shown: after, analytics: (await apiGet(page, `datasets/${datasetId}/analytics?groupBy=day`)).body });
    // ...and the tab that never left the dataset page follows the rollback too.
    const watchRolledBack = await awaitSpendTile(watch, watchTiles.spend);
    emit('liveRollback', { tiles: watchRolledBack, sameUrl: watch.url() === watchUrl });

    // ------------------------------------------------------------- the admin view (open all along), filtered
    const listed = () => admin.evaluate(() => [...document.querySelectorAll('#admin-view tbody tr[data-run-id]')]
      .map((tr) => ({ runId: tr.dataset.runId, status: tr.dataset.status, owner: tr.querySelector('.owner').textContent,
        dataset: tr.querySelector('.dataset').textContent })));
    const settled = (n) => admin.waitForFunction((m) => Number(document.querySelector('#admin-view tbody').dataset.loads
      || 0) > m, n, WAIT);
    const filter = async (apply) => {
      let n = await loads();
      await admin.click('#admin-filters button[type="reset"]');
      await settled(n);
      await apply();
      n = await loads();
      await admin.click('#admin-filters button[type="submit"]');
      await settled(n);
      return listed();
    };
    const byStatus = await filter(() => admin.check('#admin-filters input[value="ROLLED_BACK"]'));
    const byOwner = await filter(() => admin.fill('#admin-owner', me.sub));
    const byDataset = await filter(() => admin.fill('#admin-dataset', datasetId));
    const health = await admin.getAttribute('#health-strip', 'data-status');
    phoneOverflow.admin = await shootBoth(admin, 'admin', '#health-strip[data-status]');
    emit('admin', { byStatus, byOwner, byDataset, health,
      apiByStatus: (await apiGet(admin, 'admin/runs?status=ROLLED_BACK')).body,
      apiByDataset: (await apiGet(admin, `admin/runs?dataset=${encodeURIComponent(datasetId)}`)).body });

    // --------------- an admin view whose WebSocket never stays up polls instead: a new run appears and finishes in it
    const offline = await newPage(browser, problems);
    let refused = 0;
    await offline.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      refused++;
      ws.close();
    });
    await open(offline, USERS.admin);
    await go(offline, '#/admin');
    await offline.waitForFunction(() => Number(document.querySelector('#admin-view tbody')?.dataset.loads || 0) > 0,
      null, WAIT);
    await offline.waitForSelector('body[data-live="polling"]', WAIT);

    // ------------------------------------ a pulled run's page names its source and links to it on the dataset page
    const feed = await serveCsv(fs.readFileSync(firstCsv, 'utf8'));
    const pullInto = (await apiPost(page, 'datasets', { name: `Pulled ${stamp}`, kind: 'marketing' })).body;
    const sourceUrl = `http://127.0.0.1:${feed.address().port}/spend.csv`;
    const source = await apiPost(page, `datasets/${encodeURIComponent(pullInto.id)}/sources`,
      { kind: 'csv-url', url: sourceUrl });
    const pull = await apiPost(page, `sources/${encodeURIComponent(source.body.id)}/pull`, {});
    await go(page, `#/runs/${pull.body.runId}`);
    await page.waitForFunction(() => /CSV file/.test(document.querySelector('#detail-pulled-by:not([hidden]) '
      + '.source-name')?.textContent || ''), null, WAIT);
    // The dataset was made over the API after this tab read its list: the File card still names it, as a link.
    await page.waitForFunction((name) => document.querySelector('#detail-file a[href^="#/datasets/"]')
      ?.textContent === name, pullInto.name, WAIT);
    const pulledLine = await page.evaluate(() => ({ text: document.querySelector('#detail-pulled-by').textContent,
      href: document.querySelector('#detail-pulled-by a').getAttribute('href') }));
    phoneOverflow.pulledRun = await shootBoth(page, 'pulled-run', '#detail-pulled-by:not([hidden])');
    await page.click('#detail-pulled-by a');
    await page.waitForSelector(`#sources li[data-source-id="${source.body.id}"][aria-current="true"]`, WAIT);
    emit('pulled', { source: source.body, sourceUrl, pull: pull.body, line: pulledLine,
      run: (await apiGet(page, `runs/${pull.body.runId}`)).body,
      focused: await page.evaluate(() => document.activeElement.id) });
    feed.close();
    const pulledRow = `#admin-view tbody tr[data-run-id="${pull.body.runId}"]`;
    await offline.waitForSelector(pulledRow, WAIT);
    await offline.waitForSelector(`${pulledRow}[data-status="SUCCEEDED"]`, WAIT);
    emit('adminPolling', { runId: pull.body.runId, refused, live: await offline.getAttribute('body', 'data-live'),
      banner: await offline.textContent('#live-banner'),
      polls: await offline.evaluate(() => Number(document.querySelector('#admin-view tbody').dataset.polls || 0)),
      loads: await offline.evaluate(() => Number(document.querySelector('#admin-view tbody').dataset.loads || 0)) });

    emit('phone', { overflow: phoneOverflow });
  } catch (error) {
    problems.push(`script: ${error.stack || error.message}`);
  } finally {
    emit('summary', { problems });
    await browser.close();
  }
  process.exit(problems.length ? 1 : 0);
})();
