import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispositionName, downloadName, fetchExport } from '../../js/download.js';

test('the file name comes from Content-Disposition, never with a folder', () => {
  assert.equal(dispositionName('attachment; filename="messy-errors.csv"'), 'messy-errors.csv');
  assert.equal(dispositionName("attachment; filename*=UTF-8''%C3%A9t%C3%A9.csv"), 'été.csv');
  assert.equal(dispositionName('attachment; filename="../../etc/x.csv"'), 'x.csv');
  assert.equal(dispositionName(null), null);
  assert.equal(downloadName('march report.csv', 'errors'), 'march report-errors.csv');
  assert.equal(downloadName('big.csv.gz', 'records'), 'big-records.csv');
});

const reply = (status, body, headers = {}) => ({
  status, ok: status >= 200 && status < 300, redirected: Boolean(headers.redirected),
  headers: { get: (name) => headers[name] ?? null },
  json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
  blob: async () => new Blob([typeof body === 'string' ? body : JSON.stringify(body)]),
});

test('the export is fetched with the bearer token, following the redirect', async () => {
  let seen;
  const got = await fetchExport('http://x/api/runs/r/errors.csv', {
    token: 't0k', fetchImpl: async (url, options) => {
      seen = options;
      return reply(200, 'a,b\r\n', { 'Content-Disposition': 'attachment; filename="r-errors.csv"', redirected: true });
    },
  });
  assert.equal(seen.headers.Authorization, 'Bearer t0k');
  assert.equal(seen.redirect, 'follow');
  assert.equal(await got.blob.text(), 'a,b\r\n');
  assert.equal(got.fileName, 'r-errors.csv');
  assert.equal(got.redirected, true);
});

test('an older server without the route gives null; other errors say what happened', async () => {
  const missing = await fetchExport('u', { fetchImpl: async () => reply(404, { error: { code: 'NOT_FOUND', message: 'No route for GET /api/runs/r/errors.csv' } }) });
  assert.equal(missing, null);
  await assert.rejects(fetchExport('u', { fetchImpl: async () => reply(404, { error: { code: 'NOT_FOUND', message: 'Run r not found' } }) }),
    (e) => e.code === 'NOT_FOUND' && e.message === 'Run r not found');
  let ended = false;
  await assert.rejects(fetchExport('u', { fetchImpl: async () => reply(401, {}), onUnauthenticated: () => { ended = true; } }),
    (e) => e.code === 'UNAUTHENTICATED');
  assert.equal(ended, true);
  await assert.rejects(fetchExport('u', { fetchImpl: async () => { throw new TypeError('Failed to fetch'); } }),
    (e) => e.code === 'NETWORK');
});
