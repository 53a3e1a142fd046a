// Drives the web app's datasets in headless Chromium (Debian's /usr/bin/chromium) against a running local stack and
// prints what it saw as JSON lines ({"step": ...}) for WebAppDatasetsBrowserTest to compare with the API.
// Usage: node datasets.e2e.js BASE_URL OUT_DIR FIRST_CSV SECOND_CSV RAW_CSV
//   FIRST_CSV and SECOND_CSV share a header whose suggested spend column the person changes; RAW_CSV goes into a
//   raw dataset. OUT_DIR/screenshots/datasets-*.png (desktop 1280×800, phone 390×844) and OUT_DIR/downloads/ are
//   written. Signs in as demo@example.com. Every wait has a deadline; the first failed expectation exits non-zero.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const FINAL = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED'];
const WAIT = { timeout: 150000 };
const [baseUrl, outDir, firstCsv, secondCsv, rawCsv] = process.argv.slice(2);
const DEMO = { email: 'demo@example.com', password: 'demo123' };
const shots = path.join(outDir, 'screenshots');
const downloads = path.join(outDir, 'downloads');
fs.mkdirSync(shots, { recursive: true });
fs.mkdirSync(downloads, { recursive: true });
const stamp = Date.now().toString(36);

const emit = (step, data) => console.log(JSON.stringify({ step, ...data }));
function expect(condition, message) {
  if (!condition) throw new Error(`expectation failed: ${message}`);
}
const expectedNoise = (text) => /WebSocket connection to .* failed/.test(text)
  || /Failed to load resource.*(404|409)/.test(text);

const pages = [];
async function newPage(browser, viewport, problems) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, deviceScaleFactor: 1 });
  const page = await context.newPage();
  pages.push(page);
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expectedNoise(message.text())) problems.push(`console: ${message.text()}`);
  });
  return page;
}

async function open(page) {
  await page.goto(baseUrl);
  await page.waitForSelector('#signin-view:not([hidden])', WAIT);
  await page.fill('#signin-email', DEMO.email);
  await page.fill('#signin-password', DEMO.password);
  await page.click('#signin-button');
  await page.waitForSelector('body[data-ready="true"]', WAIT);
}

async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, name), fullPage: true });
}

const tokenOf = (page) => page.evaluate(
  () => JSON.parse(sessionStorage.getItem('sluice.session') || 'null')?.token || null);
/** An API answer as the page's user gets it: {status, body}. */
async function apiGet(page, apiPath) {
  const response = await page.request.get(`${baseUrl}api/${apiPath}`,
    { headers: { Authorization: `Bearer ${await tokenOf(page)}` } });
  return { status: response.status(), body: await response.json().catch(() => null) };
}
const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** Creates a dataset through the form on #/datasets; returns its id once its page shows. */
async function createDataset(page, { name, kind = 'marketing', settings = {} }) {
  await go(page, '#/datasets');
  await page.waitForSelector('#create-dataset', WAIT);
  await page.fill('#new-name', name);
  await page.check(`#create-dataset input[name="kind"][value="${kind}"]`);
  if (Object.keys(settings).length) {
    await page.click('#create-dataset summary');
    for (const [field, value] of Object.entries(settings)) {
      if (field === 'headerRow') await page.fill('#new-headerRow', String(value));
      else await page.selectOption(`#new-${field}`, value);
    }
  }
  await page.click('#create-dataset button[type="submit"]');
  await page.waitForFunction((n) => document.getElementById('dataset-title')?.textContent === n, name, WAIT);
  return decodeURIComponent(new URL(page.url()).hash.replace('#/datasets/', ''));
}

/** Picks files on the import page and waits until each preview shows its mapping step (or the raw note). */
async function pickFile(page, file) {
  await page.setInputFiles('#file-input', file);
  const preview = page.locator('.preview', { hasText: path.basename(file) });
  await preview.waitFor(WAIT);
  return preview;
}

const readPreview = (preview) => preview.evaluate((p) => ({
  kind: p.dataset.kind,
  source: p.dataset.mappingSource,
  legend: p.querySelector('.mapping legend')?.textContent.trim() ?? null,
  mappingHidden: p.querySelector('.mapping')?.hidden ?? true,
  rawNote: p.querySelector('.raw-note')?.hidden === false ? p.querySelector('.raw-note').textContent : null,
  mapping: Object.fromEntries([...p.querySelectorAll('.mapping select')].map((s) => [s.name, s.value])),
  notes: Object.fromEntries([...p.querySelectorAll('.map-field')].map((f) => [f.dataset.field,
    f.querySelector('.map-note').textContent])),
  conflicts: [...p.querySelectorAll('.conflicts li')].map((li) => li.textContent),
  header: [...p.querySelectorAll('thead th .col-name')].map((th) => th.textContent),
}));

/** Run ids of the uploads the page created, by file name (the newest upload of each name). */
const createdRuns = new Map();

/** The run id of the page's newest upload of a file, once its card shows it final. */
async function awaitFinal(page, fileName) {
  const deadline = Date.now() + WAIT.timeout;
  while (!createdRuns.has(fileName)) {
    expect(Date.now() < deadline, `an upload of ${fileName} was created within ${WAIT.timeout} ms`);
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
  const runId = createdRuns.get(fileName);
  await page.waitForFunction(([id, final]) => final.includes(
    document.querySelector(`.run[data-run-id="${id}"]`)?.dataset.status), [runId, FINAL], { ...WAIT, polling: 100 });
  return runId;
}

/** The run page once the run is final and both tables have loaded. */
async function readRunPage(page, runId) {
  await go(page, `#/runs/${runId}`);
  await page.waitForFunction(([id, final]) => {
    const badge = document.getElementById('detail-status');
    const run = document.querySelector(`#detail-view`);
    return run && badge && location.hash === `#/runs/${id}`
      && final.some((s) => document.querySelector(`.run[data-run-id="${id}"]`)?.dataset.status === s);
  }, [runId, FINAL], WAIT);
  // Each table has loaded once it shows rows or says it has none.
  await page.waitForFunction(() => ['records-section', 'errors-section'].every((id) => {
    const section = document.getElementById(id);
    return section && (section.querySelector('tbody tr') || !section.querySelector('.empty').hidden);
  }), null, WAIT);
  return page.evaluate(() => ({
    title: document.getElementById('detail-title').textContent,
    rerunOf: document.getElementById('detail-rerun-of').hidden ? null
      : document.getElementById('detail-rerun-of').textContent,
    rerunOfHref: document.querySelector('#detail-rerun-of a')?.getAttribute('href') ?? null,
    decisions: Object.fromEntries([...document.querySelectorAll('#detail-decisions dd')]
      .map((dd) => [dd.dataset.decision, dd.textContent])),
    columnDecisions: [...document.querySelectorAll('#detail-decisions tbody tr')]
      .map((tr) => [...tr.cells].map((c) => c.textContent)),
    mappingSource: document.getElementById('detail-mapping-source')?.textContent ?? null,
    mappingShown: !document.getElementById('mapping-section').hidden,
    mapping: Object.fromEntries([...document.querySelectorAll('#detail-mapping tbody tr')]
      .map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])),
    recordsHead: [...document.querySelectorAll('#records-section thead th')].map((th) => th.textContent),
    recordRows: [...document.querySelectorAll('#records-section tbody tr')]
      .map((tr) => [...tr.cells].map((c) => c.textContent)),
    errorRows: [...document.querySelectorAll('#errors-section tbody tr')]
      .map((tr) => [...tr.cells].map((c) => c.textContent)),
    dataset: [...document.querySelectorAll('#detail-file dt')].find((dt) => dt.textContent === 'Dataset')
      ?.nextElementSibling.textContent ?? null,
  }));
}

async function download(page, buttonText) {
  const waiting = page.waitForEvent('download', WAIT);
  await page.getByRole('button', { name: buttonText }).click();
  const file = await waiting;
  const target = path.join(downloads, `datasets-${file.suggestedFilename()}`);
  await file.saveAs(target);
  return { name: file.suggestedFilename(), path: target };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  try {
    const page = await newPage(browser, { width: 1280, height: 800 }, problems);
    const uploads = [];
    const suggests = [];
    page.on('request', (r) => {
      const url = new URL(r.url()).pathname;
      if (r.method() === 'POST' && url === '/api/uploads') uploads.push(r.postDataJSON());
      if (r.method() === 'POST' && url === '/api/mappings/suggest') suggests.push(r.postDataJSON());
    });
    page.on('response', async (r) => {
      if (r.request().method() !== 'POST' || new URL(r.url()).pathname !== '/api/uploads' || r.status() !== 201) return;
      createdRuns.set(r.request().postDataJSON().fileName, (await r.json()).runId);
    });
    await open(page);

    // ---------------------------------------------------------- a marketing dataset, created in the form
    const name = `Spring ads ${stamp}`;
    const datasetId = await createDataset(page, { name, settings: { dateOrder: 'dmy' } });
    const created = await page.evaluate(() => ({
      summary: document.getElementById('dataset-summary').textContent,
      focused: document.activeElement.id,
      runs: document.getElementById('dataset-runs').textContent,
    }));
    await shot(page, 'datasets-desktop-dataset.png');
    await page.click('#import-into');
    await page.waitForSelector('#home-view:not([hidden])', WAIT);
    const picked = await page.evaluate(() => ({
      value: document.getElementById('dataset').value,
      label: document.getElementById('dataset').selectedOptions[0].textContent,
      hint: document.getElementById('dataset-hint').textContent,
      focused: document.activeElement.id,
    }));
    emit('created', { datasetId, name, ...created, picked, api: (await apiGet(page, `datasets/${datasetId}`)).body });

    // ------------------------------------------- the first file: the suggestion, then the person's change
    const first = await pickFile(page, firstCsv);
    const firstSeen = await readPreview(first);
    await first.locator('select[name="spend"]').selectOption('Budget');
    const firstChanged = await readPreview(first);
    await shot(page, 'datasets-desktop-preview-suggested.png');
    await page.click('#import-button');
    const firstRunId = await awaitFinal(page, path.basename(firstCsv));
    const firstRun = await readRunPage(page, firstRunId);
    await shot(page, 'datasets-desktop-run.png');
    const errorsCsv = await download(page, 'Download row errors (CSV)');
    const recordsCsv = await download(page, 'Download stored records (CSV)');
    // What the API serves for the same exports now (the dataset is deleted at the end, and its runs with it).
    for (const [kind, saved] of [['errors', errorsCsv], ['records', recordsCsv]]) {
      const served = await page.request.get(`${baseUrl}api/runs/${firstRunId}/${kind}.csv`,
        { headers: { Authorization: `Bearer ${await tokenOf(page)}` } });
      saved.status = served.status();
      saved.served = await served.text();
    }
    emit('first', {
      preview: firstSeen, changed: firstChanged, runId: firstRunId, run: firstRun,
      request: uploads.find((u) => u.fileName === path.basename(firstCsv)),
      suggest: suggests[0] || null, errorsCsv, recordsCsv,
      api: (await apiGet(page, `runs/${firstRunId}`)).body,
      apiErrors: (await apiGet(page, `runs/${firstRunId}/errors?limit=100`)).body.items,
    });

    // ------------------------------------ the second file, same header: the saved mapping is proposed
    await go(page, '#/');
    await page.waitForSelector('#home-view:not([hidden])', WAIT);
    const second = await pickFile(page, secondCsv);
    const secondSeen = await readPreview(second);
    await shot(page, 'datasets-desktop-preview-saved.png');
    await page.click('#import-button');
    const secondRunId = await awaitFinal(page, path.basename(secondCsv));
    const secondRun = await readRunPage(page, secondRunId);
    emit('second', {
      preview: secondSeen, runId: secondRunId, run: secondRun, api: (await apiGet(page, `runs/${secondRunId}`)).body,
      request: uploads.find((u) => u.fileName === path.basename(secondCsv)),
    });

    // ------------------------------------------------------ re-run the second with another spend column
    await page.click('#rerun-toggle');
    const rerunFocus = await page.evaluate(() => document.activeElement.id);
    await page.selectOption('#rerun-map-spend', 'Cost');
    await shot(page, 'datasets-desktop-rerun-form.png');
    const rerunRequest = page.waitForRequest((r) => r.url().endsWith(`/api/runs/${secondRunId}/rerun`), WAIT);
    await page.click('#rerun-submit');
    const rerunBody = (await rerunRequest).postDataJSON();
    await page.waitForFunction((old) => /^#\/runs\//.test(location.hash) && !location.hash.endsWith(old),
      secondRunId, WAIT);
    const rerunId = new URL(page.url()).hash.replace('#/runs/', '');
    const rerun = await readRunPage(page, rerunId);
    await shot(page, 'datasets-desktop-rerun.png');
    emit('rerun', { runId: rerunId, body: rerunBody, focused: rerunFocus, run: rerun,
      api: (await apiGet(page, `runs/${rerunId}`)).body });

    // -------------------------------------------------- the dataset's page: its runs, a rename
    await go(page, `#/datasets/${datasetId}`);
    await page.waitForSelector('#dataset-runs table', WAIT);
    const listed = await page.evaluate(() => [...document.querySelectorAll('#dataset-runs tbody tr')]
      .map((tr) => tr.dataset.runId));
    const renamed = `${name} (renamed)`;
    await page.fill('#edit-name', renamed);
    await page.selectOption('#edit-decimalStyle', 'comma');
    await page.click('#dataset-settings button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('.save-status').textContent.startsWith('Saved'), null, WAIT);
    const afterSave = await page.evaluate(() => ({
      title: document.getElementById('dataset-title').textContent,
      status: document.querySelector('.save-status').textContent,
    }));
    await go(page, '#/datasets');
    await page.waitForSelector(`.dataset-item[data-dataset-id="${datasetId}"]`, WAIT);
    await page.waitForFunction((id) => !document.querySelector(`.dataset-item[data-dataset-id="${id}"] .last-run`)
      .textContent.startsWith('Looking'), datasetId, WAIT);
    const listItem = await page.evaluate((id) => document.querySelector(`.dataset-item[data-dataset-id="${id}"]`)
      .textContent, datasetId);
    await shot(page, 'datasets-desktop-list.png');
    emit('page', { listed, afterSave, renamed, listItem, api: (await apiGet(page, `datasets/${datasetId}`)).body });

    // ------------------------------------------- a raw dataset: no mapping, records as their data
    const rawId = await createDataset(page, { name: `Raw logs ${stamp}`, kind: 'raw' });
    await page.click('#import-into');
    await page.waitForSelector('#home-view:not([hidden])', WAIT);
    const rawPreview = await readPreview(await pickFile(page, rawCsv));
    await shot(page, 'datasets-desktop-raw-preview.png');
    await page.click('#import-button');
    const rawRunId = await awaitFinal(page, path.basename(rawCsv));
    const rawRun = await readRunPage(page, rawRunId);
    await shot(page, 'datasets-desktop-raw-run.png');
    emit('raw', {
      datasetId: rawId, preview: rawPreview, runId: rawRunId, run: rawRun,
      api: (await apiGet(page, `runs/${rawRunId}`)).body,
      records: (await apiGet(page, `runs/${rawRunId}/records?limit=100`)).body.items,
      request: uploads.find((u) => u.fileName === path.basename(rawCsv)),
    });

    // ---------------------------------------------------------------------------------------- phone
    const phone = await newPage(browser, { width: 390, height: 844 }, problems);
    await open(phone);
    await go(phone, '#/datasets');
    await phone.waitForSelector(`.dataset-item[data-dataset-id="${datasetId}"]`, WAIT);
    await shot(phone, 'datasets-phone-list.png');
    const phoneList = await overflow(phone);
    await go(phone, `#/datasets/${datasetId}`);
    await phone.waitForSelector('#dataset-runs table', WAIT);
    await shot(phone, 'datasets-phone-dataset.png');
    const phoneDataset = await overflow(phone);
    await phone.click('#import-into');
    await phone.waitForSelector('#home-view:not([hidden])', WAIT);
    await pickFile(phone, secondCsv);
    await shot(phone, 'datasets-phone-preview.png');
    const phonePreview = await overflow(phone);
    await readRunPage(phone, rerunId);
    await shot(phone, 'datasets-phone-run.png');
    const phoneRun = await overflow(phone);
    await readRunPage(phone, rawRunId);
    await shot(phone, 'datasets-phone-raw-run.png');
    emit('phone', { overflow: { list: phoneList, dataset: phoneDataset, preview: phonePreview, run: phoneRun,
      raw: await overflow(phone) } });

    // ------------------------------------------- delete: cancel first, then confirm; the runs go with it
    await go(page, `#/datasets/${datasetId}`);
    await page.waitForSelector('#delete-dataset', WAIT);
    await page.click('#delete-dataset');
    await page.waitForSelector('dialog.confirm-dialog[open]', WAIT);
    const dialog = await page.evaluate(() => ({
      heading: document.getElementById('delete-h').textContent,
      text: document.getElementById('delete-text').textContent,
      focused: document.activeElement.textContent,
      confirm: document.getElementById('confirm-delete').textContent,
      modal: document.querySelector('dialog.confirm-dialog').matches(':modal'),
    }));
    await shot(page, 'datasets-desktop-delete.png');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.confirm-dialog', { state: 'detached', ...WAIT });
    const afterCancel = await page.evaluate(() => ({
      focused: document.activeElement.id, stillThere: Boolean(document.getElementById('dataset-title')),
    }));
    await page.click('#delete-dataset');
    await page.waitForSelector('dialog.confirm-dialog[open]', WAIT);
    await page.click('#confirm-delete');
    await page.waitForSelector('#datasets-title', WAIT);
    await page.waitForSelector('#dataset-list', WAIT);
    const afterDelete = await page.evaluate((id) => ({
      hash: location.hash,
      inList: Boolean(document.querySelector(`.dataset-item[data-dataset-id="${id}"]`)),
      inPicker: Boolean(document.querySelector(`#dataset option[value="${id}"]`)),
      announced: document.getElementById('announcer').textContent,
    }), datasetId);
    const gone = {
      dataset: (await apiGet(page, `datasets/${datasetId}`)).status,
      runs: await Promise.all([firstRunId, secondRunId, rerunId].map(async (id) => (await apiGet(page, `runs/${id}`)).status)),
      rawRun: (await apiGet(page, `runs/${rawRunId}`)).status,
    };
    emit('delete', { dialog, afterCancel, afterDelete, gone });
    emit('summary', { problems });
  } catch (error) {
    for (const [i, p] of pages.entries()) {
      await p.screenshot({ path: path.join(shots, `datasets-failure-${i}.png`), fullPage: true }).catch(() => {});
      console.error(`page ${i} at ${p.url()}`);
    }
    console.error(`problems: ${problems.join('\n')}`);
    throw error;
  } finally {
    await browser.close();
  }
})().catch((error) => { console.error(error); process.exit(1); });
