// Drives the Sluice web app in headless Chromium (Debian's /usr/bin/chromium) against a running local stack and
// prints what it saw as JSON lines ({"step": ...}) for WebAppBrowserTest to compare with the API.
// Usage: node upload.e2e.js BASE_URL SAMPLE_DIR FORMULA_CSV OUT_DIR [BIG_CSV [GZIP_CSV]]
//   OUT_DIR/screenshots/*.png (desktop 1280×800, phone 390×844) and OUT_DIR/downloads/*.csv are written.
//   BIG_CSV, when given, is a file above the stack's multipart threshold: it is imported in parts.
//   GZIP_CSV, when given, is a gzip-compressed CSV: previewed decompressed and imported.
// Every page signs in as demo@example.com first (the local runtime's default user).
// Every wait has a deadline; the script exits non-zero on the first expectation that fails.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const FINAL = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED'];
// Generous: the stack shares two cores with builds and other tests.
const WAIT = { timeout: 150000 };
const [baseUrl, sampleDir, formulaCsv, outDir, bigCsv, gzipCsv] = process.argv.slice(2);
const DEMO = { email: 'demo@example.com', password: 'demo123' };
const shots = path.join(outDir, 'screenshots');
const downloads = path.join(outDir, 'downloads');
fs.mkdirSync(shots, { recursive: true });
fs.mkdirSync(downloads, { recursive: true });

const emit = (step, data) => console.log(JSON.stringify({ step, ...data }));
function expect(condition, message) {
  if (!condition) throw new Error(`expectation failed: ${message}`);
}

/**
 * Chromium logs a refused WebSocket as a console error; that is the fallback path, not a page problem. So are the
 * 401s, 409s and 429s the page provokes on purpose (wrong password, a forged token, a duplicate, the sign-in limit).
 */
const expectedNoise = (text) => /WebSocket connection to .* failed/.test(text)
  || /Failed to load resource.*(404|401|409|429)/.test(text);

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

/** Fills the sign-in form and submits it; the page must be showing it. */
async function signIn(page, { email, password } = DEMO) {
  await page.waitForSelector('#signin-view:not([hidden])', WAIT);
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', password);
  await page.click('#signin-button');
}

/** The tab's token, as the page keeps it (sessionStorage). */
const tokenOf = (page) => page.evaluate(
  () => JSON.parse(sessionStorage.getItem('sluice.session') || 'null')?.token || null);
const bearer = async (page) => ({ Authorization: `Bearer ${await tokenOf(page)}` });

async function open(page) {
  await page.goto(baseUrl);
  await signIn(page);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  // The first connection attempt settles one way or the other within the open timeout (5 s).
  await page.waitForFunction(() => document.getElementById('connection').dataset.state !== 'connecting', null, WAIT);
}

/** Records every value the run's progress bar shows, to check it only moves forward and reaches 100. */
async function watchBars(page) {
  await page.evaluate(() => {
    window.barHistory = {};
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        const card = m.target.closest && m.target.closest('.run');
        if (!card || !m.target.classList.contains('bar')) continue;
        const key = card.dataset.runId || 'pending';
        (window.barHistory[key] = window.barHistory[key] || []).push({
          value: Number(m.target.getAttribute('aria-valuenow')), phase: m.target.dataset.phase,
        });
      }
    }).observe(document.getElementById('runs'), { subtree: true, attributes: true, attributeFilter: ['aria-valuenow', 'data-phase'] });
  });
}

/** The newest card for a file name (or the card of a run id) once its run is final and its bar shows 100. */
async function awaitFinalCard(page, { fileName = null, runId = null }) {
  const handle = await page.waitForFunction(([name, id, final]) => {
    const c = [...document.querySelectorAll('.run')]
      .find((r) => (id ? r.dataset.runId === id : r.querySelector('.run-link').textContent === name));
    return c && final.includes(c.dataset.status) && c.querySelector('.bar').getAttribute('aria-valuenow') === '100'
      ? c.dataset.runId : null;
  }, [fileName, runId, FINAL], { ...WAIT, polling: 100 });
  return page.locator(`.run[data-run-id="${await handle.jsonValue()}"]`);
}

async function readCard(card) {
  return card.evaluate((c) => ({
    runId: c.dataset.runId,
    status: c.dataset.status,
    badge: c.querySelector('.status').textContent,
    percent: c.querySelector('.percent').textContent,
    bar: Number(c.querySelector('.bar').getAttribute('aria-valuenow')),
    counts: c.querySelector('.counts').textContent,
    failure: c.querySelector('.run-failure').hidden ? null : c.querySelector('.run-failure').textContent,
  }));
}

async function readDetail(page) {
  await page.waitForSelector('#errors-section caption:not(:empty), #errors-section .empty:not([hidden])', WAIT);
  await page.waitForSelector('#records-section caption:not(:empty), #records-section .empty:not([hidden])', WAIT);
  return page.evaluate(() => {
    const dl = (id) => Object.fromEntries([...document.querySelectorAll(`#${id} dt`)].map((dt) => [dt.textContent, dt.nextElementSibling.textContent]));
    const rows = (id) => [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) => [...tr.cells].map((c) => c.textContent));
    return {
      title: document.getElementById('detail-title').textContent,
      status: document.getElementById('detail-status').textContent,
      counters: dl('detail-counters'),
      file: dl('detail-file'),
      timings: dl('detail-timings'),
      mapping: Object.fromEntries([...document.querySelectorAll('#detail-mapping tbody tr')].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])),
      errorsCaption: document.querySelector('#errors-section caption').textContent,
      errorRows: rows('errors-section'),
      recordsCaption: document.querySelector('#records-section caption').textContent,
      recordRows: rows('records-section'),
      recordsNextEnabled: !document.querySelector('#records-section .next').disabled,
    };
  });
}

async function download(page, buttonText, viaKeyboard) {
  const button = page.getByRole('button', { name: buttonText });
  const waiting = page.waitForEvent('download', WAIT);
  if (viaKeyboard) {
    await tabTo(page, { text: buttonText }, buttonText);
    await page.keyboard.press('Enter');
  } else {
    await button.click();
  }
  const file = await waiting;
  const target = path.join(downloads, file.suggestedFilename());
  await file.saveAs(target);
  return { name: file.suggestedFilename(), path: target };
}

/** Presses Tab until the focused element matches a selector or has a text, at most 60 times; returns the presses. */
async function tabTo(page, { selector = null, text = null }, what) {
  for (let presses = 1; presses <= 60; presses++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(([s, t]) => {
      const el = document.activeElement;
      return Boolean(el) && (s ? el.matches(s) : el.textContent === t);
    }, [selector, text]);
    if (hit) return presses;
  }
  throw new Error(`expectation failed: Tab never reached ${what}`);
}

/**
 * A dataset of this name made through the API, then chosen in the import form's picker (the datasets page reloads
 * the list the picker shows). Returns its id.
 */
async function useDataset(page, name) {
  const created = await page.request.post(`${baseUrl}api/datasets`, { data: { name }, headers: await bearer(page) });
  expect(created.status() === 201, `POST /api/datasets answered ${created.status()}`);
  const { id } = await created.json();
  await page.evaluate(() => { location.hash = '#/datasets'; });
  await page.waitForSelector(`.dataset-item[data-dataset-id="${id}"]`, WAIT);
  await page.evaluate(() => { location.hash = '#/'; });
  await page.waitForSelector(`#dataset option[value="${id}"]`, { state: 'attached', ...WAIT });
  await page.selectOption('#dataset', id);
  return id;
}

/** What the API serves for a run's CSV export, fetched with the page's token, redirects followed. */
async function served(page, runId, kind) {
  const response = await page.request.get(`${baseUrl}api/runs/${runId}/${kind}.csv`, { headers: await bearer(page) });
  return { status: response.status(), text: await response.text() };
}

/** A full-page screenshot from the top, so the sticky bar sits where a person sees it. */
async function fullShot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, name), fullPage: true });
}

/** The promise's value, or a failure naming what did not happen within the deadline. */
function withDeadline(promise, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`expectation failed: ${what} within ${WAIT.timeout} ms`)), WAIT.timeout);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function focusVisible(page) {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  });
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  try {
    // ---------------------------------------------------------------- desktop: preview, mapping, import by mouse
    const page = await newPage(browser, { width: 1280, height: 800 }, problems);
    const uploads = [];
    const apiCalls = [];
    const sockets = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/uploads')) uploads.push(r.postDataJSON());
      if (new URL(r.url()).pathname.startsWith('/api/')) {
        apiCalls.push({ path: new URL(r.url()).pathname, authorization: r.headers().authorization || null });
      }
    });
    page.on('websocket', (ws) => sockets.push(ws.url()));

    // ------------------------------------------------------------------------ sign-in: wrong password, then demo
    await page.goto(baseUrl);
    await page.waitForSelector('#signin-view:not([hidden])', WAIT);
    const beforeSignIn = await page.evaluate(() => ({
      focused: document.activeElement.id, homeHidden: document.getElementById('home-view').hidden,
      accountHidden: document.getElementById('account').hidden,
    }));
    await page.screenshot({ path: path.join(shots, 'desktop-signin.png') });
    await signIn(page, { email: DEMO.email, password: 'not-the-password' });
    await page.waitForSelector('#signin-error:not([hidden])', WAIT);
    const wrongPassword = await page.evaluate(() => ({
      error: document.getElementById('signin-error').textContent, focused: document.activeElement.id,
      session: sessionStorage.getItem('sluice.session'), view: document.body.dataset.view,
    }));
    await page.screenshot({ path: path.join(shots, 'desktop-signin-error.png') });
    // Another name, wrong until the server stops checking (5 failures per name): the page says when to try again.
    const limitedAfter = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'), WAIT);
      await signIn(page, { email: 'guesser@example.com', password: `guess-${attempt}` });
      await answered;
      await page.waitForFunction(() => document.getElementById('signin-button').textContent === 'Sign in', null, WAIT);
      const error = await page.textContent('#signin-error');
      limitedAfter.push(error);
      if (error.startsWith('Too many')) break;
    }
    const rateLimited = await page.evaluate(() => ({
      error: document.getElementById('signin-error').textContent,
      buttonWaits: document.getElementById('signin-button').getAttribute('aria-disabled') === 'true',
    }));
    await page.screenshot({ path: path.join(shots, 'desktop-signin-rate-limited.png') });
    emit('signin', { beforeSignIn, wrongPassword, rateLimited, attempts: limitedAfter.length });
    await signIn(page);
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    await page.waitForFunction(() => document.getElementById('connection').dataset.state !== 'connecting', null, WAIT);
    const connection = await page.evaluate(() => ({
      state: document.getElementById('connection').dataset.state,
      live: document.body.dataset.live,
      banner: document.getElementById('live-banner').hidden ? null : document.getElementById('live-banner').textContent,
    }));
    const signedIn = await page.evaluate(() => ({
      email: document.getElementById('account-email').textContent,
      adminBadge: !document.getElementById('admin-badge').hidden,
      inSessionStorage: Boolean(sessionStorage.getItem('sluice.session')),
      inLocalStorage: Object.keys(localStorage).length,
    }));
    emit('connection', { ...connection, signedIn });
    await page.screenshot({ path: path.join(shots, 'desktop-empty.png') });
    await watchBars(page);

    const messy = path.join(sampleDir, 'messy.csv');
    // Two files at once: the one with errors, and a Windows-1252 one with semicolons and European numbers.
    await page.setInputFiles('#file-input', [messy, path.join(sampleDir, 'eu_semicolon_cp1252.csv')]);
    const preview = page.locator('.preview', { hasText: 'messy.csv' });
    await preview.waitFor(WAIT);
    const euPreview = page.locator('.preview', { hasText: 'eu_semicolon_cp1252.csv' });
    await euPreview.waitFor(WAIT);
    const euFacts = await euPreview.evaluate((p) => ({
      facts: [...p.querySelectorAll('.chip')].map((c) => c.textContent.trim()),
      secondRow: [...p.querySelectorAll('tbody tr')[1].cells].map((c) => c.textContent),
      importButton: document.getElementById('import-button').textContent,
    }));
    const seen = await preview.evaluate((p) => ({
      facts: [...p.querySelectorAll('.chip')].map((c) => c.textContent.trim()),
      caption: p.querySelector('caption').textContent,
      header: [...p.querySelectorAll('thead th')].slice(1).map((th) => th.querySelector('.col-name').textContent),
      firstRow: [...p.querySelectorAll('tbody tr')[0].cells].map((c) => c.textContent),
      lines: [...p.querySelectorAll('tbody tr')].map((tr) => tr.cells[0].textContent),
      mismatchLines: [...p.querySelectorAll('tbody tr.mismatch')].map((tr) => tr.cells[0].textContent),
      mapping: Object.fromEntries([...p.querySelectorAll('select')].map((s) => [s.name, s.value])),
      missingShown: !p.querySelector('.missing').hidden,
    }));
    emit('preview', { ...seen, second: euFacts });
    await fullShot(page, 'desktop-preview.png');

    await page.click('#import-button');
    const card = await awaitFinalCard(page, { fileName: 'messy.csv' });
    const messyCard = await readCard(card);
    const euCard = await readCard(await awaitFinalCard(page, { fileName: 'eu_semicolon_cp1252.csv' }));
    const bars = await page.evaluate((id) => window.barHistory[id] || [], messyCard.runId);
    emit('imported', { card: messyCard, bars, request: uploads.find((u) => u.fileName === 'messy.csv'), second: euCard });
    await fullShot(page, 'desktop-runs.png');

    await card.locator('.run-link').click();
    await page.waitForURL(`**/#/runs/${messyCard.runId}`, WAIT);
    const detail = await readDetail(page);
    emit('detail', detail);
    await fullShot(page, 'desktop-detail.png');
    const errorsCsv = await download(page, 'Download row errors (CSV)', false);
    const recordsCsv = await download(page, 'Download stored records (CSV)', false);
    emit('downloads', { errors: { ...errorsCsv, served: await served(page, messyCard.runId, 'errors') },
      records: { ...recordsCsv, served: await served(page, messyCard.runId, 'records') } });

    // ------------------------------------------------------------ a required field missing blocks the import
    await page.goto(`${baseUrl}#/`);
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    const before = uploads.length;
    await page.setInputFiles('#file-input', path.join(sampleDir, 'missing_channel.csv'));
    const blocked = page.locator('.preview', { hasText: 'missing_channel.csv' });
    await blocked.locator('.missing').waitFor({ state: 'visible', ...WAIT });
    await page.click('#import-button');
    await page.locator('#form-error').waitFor({ state: 'visible', ...WAIT });
    const blockedState = await page.evaluate(() => ({
      message: document.querySelector('.preview .missing').textContent,
      formError: document.getElementById('form-error').textContent,
      channelInvalid: document.querySelector('.preview select[name="channel"]').getAttribute('aria-invalid'),
      focused: document.activeElement.name,
      channelValue: document.querySelector('.preview select[name="channel"]').value,
      runLinks: [...document.querySelectorAll('.run-link')].map((a) => a.textContent),
    }));
    await fullShot(page, 'desktop-missing-field.png');
    emit('blocked', { ...blockedState, uploadsSent: uploads.length - before });
    await page.click('#clear-files');

    // -------------------------------------------------- the run list follows runs created elsewhere, live
    const clean = fs.readFileSync(path.join(sampleDir, 'google_ads_clean.csv'));
    const created = await page.request.post(`${baseUrl}api/uploads`, {
      data: { fileName: 'elsewhere.csv', contentLength: clean.length }, headers: await bearer(page),
    });
    expect(created.ok(), `POST /api/uploads answered ${created.status()}`);
    const upload = await created.json();
    const put = await page.request.put(upload.uploadUrl, { headers: upload.headers, data: clean });
    expect(put.ok(), `PUT to the presigned URL answered ${put.status()}`);
    const elsewhere = await readCard(await awaitFinalCard(page, { runId: upload.runId }));
    emit('elsewhere', { runId: upload.runId, card: elsewhere });

    // ------------------------------------------------------------------------------- keyboard only
    const kb = await newPage(browser, { width: 1280, height: 800 }, problems);
    await open(kb);
    // Waiting for the chooser first turns on Playwright's interception before the key press opens it.
    const chooser = kb.waitForEvent('filechooser', WAIT);
    const toDropZone = await tabTo(kb, { selector: '#drop-zone' }, 'the drop zone');
    const dropZoneFocusVisible = await focusVisible(kb);
    await kb.keyboard.press('Enter');
    await (await chooser).setFiles(formulaCsv);
    await kb.locator('.preview').waitFor(WAIT);
    const toImport = await tabTo(kb, { selector: '#import-button' }, 'the Import button');
    const importFocusVisible = await focusVisible(kb);
    await kb.keyboard.press('Enter');
    const formulaName = path.basename(formulaCsv);
    const formulaCard = await readCard(await awaitFinalCard(kb, { fileName: formulaName }));
    // focus moved to the new run's link: Enter opens it
    const focusedAfterImport = await kb.evaluate(() => document.activeElement.className);
    await kb.keyboard.press('Enter');
    await kb.waitForURL(`**/#/runs/${formulaCard.runId}`, WAIT);
    const formulaDetail = await readDetail(kb);
    const formulaErrors = await download(kb, 'Download row errors (CSV)', true);
    const formulaRecords = await download(kb, 'Download stored records (CSV)', true);
    const focusAfterDownload = await kb.evaluate(() => document.activeElement.textContent);
    await fullShot(kb, 'desktop-keyboard-detail.png');
    emit('keyboard', {
      toDropZone, dropZoneFocusVisible, toImport, importFocusVisible, focusedAfterImport, card: formulaCard,
      detail: formulaDetail, focusAfterDownload,
      errors: { ...formulaErrors, served: await served(kb, formulaCard.runId, 'errors') },
      records: { ...formulaRecords, served: await served(kb, formulaCard.runId, 'records') },
    });

    // --------------------------------------------------------------------------------------- phone
    const phone = await newPage(browser, { width: 390, height: 844 }, problems);
    await phone.goto(baseUrl);
    await phone.waitForSelector('#signin-view:not([hidden])', WAIT);
    await phone.screenshot({ path: path.join(shots, 'phone-signin.png') });
    await open(phone);
    await fullShot(phone, 'phone-runs.png');
    await phone.setInputFiles('#file-input', messy);
    await phone.locator('.preview').waitFor(WAIT);
    await fullShot(phone, 'phone-preview.png');
    const phoneOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await phone.goto(`${baseUrl}#/runs/${messyCard.runId}`);
    await phone.waitForSelector('body[data-ready="true"]', WAIT);
    await readDetail(phone);
    await fullShot(phone, 'phone-detail.png');
    const phoneDetailOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    emit('phone', { horizontalOverflow: phoneOverflow, detailHorizontalOverflow: phoneDetailOverflow });

    // ------------------------------------------- the WebSocket path, against a scripted server (Playwright's mock)
    // A run that stays CREATED (never uploaded) is one the page watches; the scripted server reports on it.
    const waiting = await page.request.post(`${baseUrl}api/uploads`,
      { data: { fileName: 'socket.csv', contentLength: 1000 }, headers: await bearer(page) });
    expect(waiting.ok(), `POST /api/uploads answered ${waiting.status()}`);
    const socketRunId = (await waiting.json()).runId;
    const connections = [];
    const arrivals = [];
    const connectionNumber = (n) => withDeadline(new Promise((resolve) => {
      if (connections[n]) resolve(connections[n]); else arrivals[n] = resolve;
    }), `WebSocket connection ${n + 1}`);
    const live = await newPage(browser, { width: 1280, height: 800 }, problems);
    await live.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      let subscribed;
      const connection = { ws, received: [], subscribed: new Promise((resolve) => { subscribed = resolve; }) };
      ws.onMessage((text) => {
        const m = JSON.parse(text);
        connection.received.push(m);
        if (m.action === 'subscribe' && m.runId === socketRunId) subscribed(connection.received);
      });
      connections.push(connection);
      if (arrivals[connections.length - 1]) arrivals[connections.length - 1](connection);
    });
    await open(live);
    const subscribed = async (n) => withDeadline((await connectionNumber(n)).subscribed, `connection ${n + 1} subscribing to the run`);
    const firstSubscriptions = await subscribed(0);
    const message = (type, fields) => JSON.stringify({ type, runId: socketRunId, records: 0, stored: 0, errors: 0,
      bytesTotal: 1000, chunksDone: 0, chunksTotal: 3, updatedAt: new Date().toISOString(), ...fields });
    const socketCard = `.run[data-run-id="${socketRunId}"]`;
    const barIs = (value) => live.waitForFunction(([sel, v]) => document.querySelector(`${sel} .bar`)?.getAttribute('aria-valuenow') === v,
      [socketCard, String(value)], WAIT);
    connections[0].ws.send(message('run.snapshot', { status: 'LOADING', records: 40, stored: 38, errors: 2, bytesDone: 400, ratePerSec: 1234, etaSec: 7 }));
    await barIs(40);
    const liveCounts = await live.textContent(`${socketCard} .counts`);
    const liveBanner = await live.evaluate(() => document.getElementById('live-banner').hidden);
    connections[0].ws.send(message('run.progress', { status: 'LOADING', records: 30, stored: 30, errors: 0, bytesDone: 300 }));
    connections[0].ws.send(message('run.progress', { status: 'LOADING', records: 60, stored: 57, errors: 3, bytesDone: 600 }));
    await barIs(60);
    const afterCrossing = await live.textContent(`${socketCard} .counts`);
    await connections[0].ws.close();
    await live.locator('#live-banner').waitFor({ state: 'visible', ...WAIT });
    const outageBanner = await live.textContent('#live-banner');
    const secondSubscriptions = await subscribed(1);
    await live.locator('#live-banner').waitFor({ state: 'hidden', ...WAIT });
    connections[1].ws.send(message('run.finished', { status: 'SUCCEEDED', records: 100, stored: 100, errors: 0, bytesDone: 1000, chunksDone: 3 }));
    await live.waitForFunction((sel) => document.querySelector(sel)?.dataset.status === 'SUCCEEDED', socketCard, WAIT);
    await barIs(100);
    emit('live', {
      runId: socketRunId, firstSubscriptions, secondSubscriptions, liveCounts, bannerHiddenWhileLive: liveBanner,
      afterCrossing, outageBanner, finishedCounts: await live.textContent(`${socketCard} .counts`),
      connection: await live.evaluate(() => document.getElementById('connection').dataset.state),
    });

    // ------------------------------------------------- the same file twice into one dataset: 409 up front
    await page.bringToFront();
    await page.goto(`${baseUrl}#/`);
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    const dupFile = path.join(sampleDir, 'google_ads_clean.csv');
    const duplicates = await useDataset(page, 'duplicates');
    const importInto = async () => {
      await page.setInputFiles('#file-input', dupFile);
      await page.locator('.preview').waitFor(WAIT);
      await page.click('#import-button');
    };
    await importInto();
    const firstDup = await readCard(await awaitFinalCard(page, { fileName: 'google_ads_clean.csv' }));
    const sentBefore = uploads.length;
    await importInto();
    const dupCard = page.locator('.run[data-status="DUPLICATE"]').first();
    await dupCard.locator('.import-anyway').waitFor(WAIT);
    const duplicate = await dupCard.evaluate((c) => ({
      runId: c.dataset.runId, badge: c.querySelector('.status').textContent,
      failure: c.querySelector('.run-failure').textContent,
      earlier: c.querySelector('.earlier-run').getAttribute('href'),
    }));
    await fullShot(page, 'desktop-duplicate.png');
    await dupCard.locator('.import-anyway').click();
    const anyway = await readCard(await awaitFinalCard(page, { fileName: 'google_ads_clean.csv' }));
    emit('duplicate', { first: firstDup, duplicate, anyway, requests: uploads.slice(sentBefore), dataset: duplicates });

    // ------------------------------------------------- a file above the multipart threshold goes up in parts
    if (bigCsv) {
      const partPuts = [];
      const onRequest = (r) => {
        if (r.method() === 'PUT' && /[?&]partNumber=\d+/.test(r.url())) partPuts.push(r.url());
      };
      page.on('request', onRequest);
      await useDataset(page, 'big');
      await page.setInputFiles('#file-input', bigCsv);
      await page.locator('.preview').waitFor(WAIT);
      await page.click('#import-button');
      const bigName = path.basename(bigCsv);
      const bigCard = await readCard(await awaitFinalCard(page, { fileName: bigName }));
      page.off('request', onRequest);
      const bars = await page.evaluate((id) => window.barHistory[id] || [], bigCard.runId);
      emit('multipart', {
        card: bigCard, partPuts: partPuts.length, bars,
        partNumbers: [...new Set(partPuts.map((u) => new URL(u).searchParams.get('partNumber')))].sort(),
        request: uploads.find((u) => u.fileName === bigName),
      });
    }

    // ------------------------------------------- a gzip-compressed CSV: the preview shows the CSV inside
    if (gzipCsv) {
      await useDataset(page, 'gzip');
      await page.setInputFiles('#file-input', gzipCsv);
      const gz = page.locator('.preview');
      await gz.waitFor(WAIT);
      const gzPreview = await gz.evaluate((p) => ({
        facts: [...p.querySelectorAll('.chip')].map((c) => c.textContent.trim()),
        header: [...p.querySelectorAll('thead th .col-name')].map((th) => th.textContent),
        problem: p.querySelector('.problem')?.hidden === false ? p.querySelector('.problem').textContent : null,
      }));
      await page.click('#import-button');
      const gzCard = await readCard(await awaitFinalCard(page, { fileName: path.basename(gzipCsv) }));
      const request = uploads.find((u) => u.fileName === path.basename(gzipCsv));
      emit('gzip', { preview: gzPreview, card: gzCard, request });
    }

    // --------------------------------------- a 401 mid-session (a forged token) returns to sign-in, and back
    const placeBefore = `#/runs/${messyCard.runId}`;
    await page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem('sluice.session'));
      // Same claims, another signature: the gateway refuses it as it would an expired one.
      const [header, payload] = session.token.split('.');
      session.token = `${header}.${payload}.${'A'.repeat(342)}`;
      sessionStorage.setItem('sluice.session', JSON.stringify(session));
    });
    await page.evaluate((hash) => { location.hash = hash; }, placeBefore);
    await page.waitForSelector('#signin-view:not([hidden])', WAIT);
    const ended = await page.evaluate(() => ({
      notice: document.getElementById('signin-notice').hidden ? null
        : document.getElementById('signin-notice').textContent,
      email: document.getElementById('signin-email').value, focused: document.activeElement.id,
      runsShown: document.querySelectorAll('.run').length, session: sessionStorage.getItem('sluice.session'),
    }));
    await page.fill('#signin-password', DEMO.password);
    await page.click('#signin-button');
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    await page.waitForSelector('#detail-title', WAIT);
    emit('expired', { ...ended, hashAfter: await page.evaluate(() => location.hash),
      detailTitle: await page.textContent('#detail-title') });

    // ---------------------------------------------------------------------------------------- sign-out
    await page.click('#sign-out');
    await page.waitForSelector('#signin-view:not([hidden])', WAIT);
    const signedOut = await page.evaluate(() => ({
      notice: document.getElementById('signin-notice').textContent, session: sessionStorage.getItem('sluice.session'),
      runsShown: document.querySelectorAll('.run').length, accountHidden: document.getElementById('account').hidden,
      detailShown: !document.getElementById('detail-view').hidden, hash: location.hash,
    }));
    const unauthenticated = apiCalls
      .filter((c) => c.path !== '/api/auth/login' && !/^Bearer \S+$/.test(c.authorization || ''));
    emit('signout', { ...signedOut, apiCalls: apiCalls.length, unauthenticated, sockets });

    emit('summary', { problems });
  } catch (error) {
    // What the pages showed when it failed, for the test report.
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: path.join(shots, `failure-${i}.png`), fullPage: true }).catch(() => {});
      const runs = await page.evaluate(() => [...document.querySelectorAll('.run')].map((r) => `${r.dataset.runId} ${r.dataset.status} ${r.querySelector('.bar').getAttribute('aria-valuenow')} ${r.querySelector('.counts').textContent}`)).catch(() => []);
      console.error(`page ${i} at ${page.url()}:\n  ${runs.join('\n  ')}`);
    }
    console.error(`problems: ${problems.join('\n')}`);
    throw error;
  } finally {
    await browser.close();
  }
})().catch((error) => { console.error(error); process.exit(1); });
