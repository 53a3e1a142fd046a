import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeRun, progressOf, stillCounting, RateEstimator } from '../../js/progress.js';
import { formatDuration, formatBytes, explainFailure, formatTime } from '../../js/format.js';

test('the bar follows bytes when the socket sends them, else records, else chunks', () => {
  assert.deepEqual(progressOf({ status: 'LOADING', bytesDone: 25, bytesTotal: 100, records: 10, recordsTotalKnown: true, stored: 9 }), { fraction: 0.25, basis: 'bytes' });
  assert.deepEqual(progressOf({ status: 'LOADING', records: 10, recordsTotalKnown: true, stored: 3, errors: 2 }), { fraction: 0.5, basis: 'records' });
  assert.deepEqual(progressOf({ status: 'LOADING', records: 10, recordsTotalKnown: false, chunksDone: 1, chunksTotal: 4 }), { fraction: 0.25, basis: 'chunks' });
  assert.deepEqual(progressOf({ status: 'SPLITTING', records: 0 }), { fraction: 0, basis: 'none' });
  assert.deepEqual(progressOf({ status: 'PARTIAL', bytesDone: 10, bytesTotal: 100 }), { fraction: 1, basis: 'final' });
});

test('time left is shown while bytes are uncounted, not once the whole file is counted', () => {
  // Every record seen so far is counted, but only 400 of 1,000 bytes: still counting.
  assert.equal(stillCounting({ status: 'LOADING', records: 40, stored: 38, errors: 2, bytesDone: 400, bytesTotal: 1000, recordsTotalKnown: true }), true);
  assert.equal(stillCounting({ status: 'PUBLISHING', records: 40, stored: 38, errors: 2, bytesDone: 1000, bytesTotal: 1000, recordsTotalKnown: true }), false);
  assert.equal(stillCounting({ status: 'REVIEW', records: 10, stored: 10, errors: 0, recordsTotalKnown: true }), false);
  assert.equal(stillCounting({ status: 'LOADING', records: 10, stored: 6, errors: 0, recordsTotalKnown: true }), true);
});

test('bytesDone never goes backwards and a final run never returns to a live state', () => {
  let run = mergeRun(null, { runId: 'r', status: 'LOADING', bytesDone: 50, bytesTotal: 100 });
  run = mergeRun(run, { type: 'run.progress', runId: 'r', status: 'LOADING', bytesDone: 40, bytesTotal: 100 });
  assert.equal(run.bytesDone, 50);
  run = mergeRun(run, { type: 'run.finished', runId: 'r', status: 'PARTIAL', bytesDone: 100, bytesTotal: 100, stored: 14, errors: 11 });
  assert.equal(run.final, true);
  const late = mergeRun(run, { runId: 'r', status: 'LOADING', stored: 3 });
  assert.equal(late.status, 'PARTIAL');
  assert.equal(late.stored, 14);
});

test('a poll that crosses a newer message takes neither the state nor the counters back', () => {
  let run = mergeRun({ runId: 'r', status: 'CREATED', stored: 0 }, { type: 'run.progress', runId: 'r', status: 'LOADING', stored: 40, errors: 2, bytesDone: 400 });
  run = mergeRun(run, { runId: 'r', status: 'SPLITTING', stored: 10, errors: 0, records: 50 });
  assert.equal(run.status, 'LOADING');
  assert.equal(run.stored, 40);
  assert.equal(run.errors, 2);
  assert.equal(run.records, 50, 'what the poll adds is kept');
  assert.equal(run.bytesDone, 400);
});

test('a socket message updates counters but keeps what only the API knows (file name, facts)', () => {
  const run = mergeRun({ runId: 'r', fileName: 'a.csv', file: { encoding: 'UTF-8' }, status: 'LOADING' },
    { type: 'run.progress', runId: 'r', status: 'LOADING', stored: 5, fileName: 'ignored' });
  assert.equal(run.fileName, 'a.csv');
  assert.equal(run.stored, 5);
  assert.deepEqual(run.file, { encoding: 'UTF-8' });
});

test('rate and time left come from the server when sent, else from polled samples', () => {
  const estimator = new RateEstimator();
  assert.deepEqual(estimator.estimate({ ratePerSec: 1200, etaSec: 3 }), { ratePerSec: 1200, etaSec: 3 });
  estimator.add(0, 0);
  estimator.add(2000, 1000);
  assert.deepEqual(estimator.estimate({ records: 3000, recordsTotalKnown: true, stored: 900, errors: 100 }), { ratePerSec: 500, etaSec: 4 });
  assert.deepEqual(estimator.estimate({ records: 3000, recordsTotalKnown: false, stored: 1000, errors: 0 }), { ratePerSec: 500, etaSec: null });
});

test('durations, sizes and failures read as words', () => {
  assert.equal(formatDuration(3.21), '3.2 s');
  assert.equal(formatDuration(75), '1 min 15 s');
  assert.equal(formatBytes(1314), '1.3 KB');
  assert.equal(formatBytes(72.7 * 1024 * 1024), '73 MB');
  assert.match(explainFailure({ code: 'MISSING_COLUMNS', message: 'x' }).summary, /date, campaign or channel/);
  assert.equal(explainFailure(null), null);
  const now = new Date('2026-12-02T10:00:00Z');
  assert.doesNotMatch(formatTime('2026-12-02T09:00:00Z', now), /Dec/);
  assert.match(formatTime('2025-12-01T09:00:00Z', now), /2025/);
});
