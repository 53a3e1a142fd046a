import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  uploadParts, partRanges, retryDelay, isRetryable, PartFailed, UploadCancelled, PART_CONCURRENCY, PART_ATTEMPTS,
  RETRY_MAX_MS,
} from '../../js/multipart.js';

/** Parts as POST /api/uploads announces them. */
function announced(contentLength, partSize) {
  const count = Math.ceil(contentLength / partSize);
  return Array.from({ length: count }, (_, i) => ({
    partNumber: i + 1,
    url: `https://s3.example/part${i + 1}`,
    size: Math.min(partSize, contentLength - i * partSize),
    headers: {},
  }));
}

/** A file whose slices say which bytes they hold. */
const fakeFile = (size) => ({ size, slice: (start, end) => ({ start, end, size: end - start }) });

/** Timers that fire immediately, recording the delays asked for. */
function instantTimers() {
  const delays = [];
  const setTimeout = (fn, ms) => {
    delays.push(ms);
    queueMicrotask(fn);
    return delays.length;
  };
  return { delays, setTimeout, clearTimeout: () => {} };
}

/**
 * A scripted S3: script(partNumber, attempt) returns 'ok', a status number to fail with, or 'hang' (never answers
 * until aborted). Tracks how many PUTs are in flight at once.
 */
function fakeS3(script = () => 'ok') {
  const attempts = new Map();
  const bodies = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const putPart = (part, body, onBytes, signal) => new Promise((resolve, reject) => {
    const attempt = (attempts.get(part.partNumber) || 0) + 1;
    attempts.set(part.partNumber, attempt);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const done = () => { inFlight--; };
    const outcome = script(part.partNumber, attempt);
    signal.addEventListener('abort', () => { done(); reject(new Error('aborted')); }, { once: true });
    if (outcome === 'hang') {
      onBytes(Math.floor(body.size / 2));
      return;
    }
    setImmediate(() => {
      if (signal.aborted) return;
      onBytes(Math.floor(body.size / 2));
      done();
      if (outcome === 'ok') {
        bodies.push(body);
        resolve(`"etag-${part.partNumber}"`);
      } else {
        reject(new PartFailed(`HTTP ${outcome}`, outcome, isRetryable(outcome)));
      }
    });
  });
  return { putPart, attempts, bodies, get maxInFlight() { return maxInFlight; } };
}

test('part n is bytes [(n-1)·partSize, min(n·partSize, size)), checked against the announced sizes', () => {
  const ranges = partRanges(25, 10, announced(25, 10));
  assert.deepEqual(ranges.map((r) => [r.partNumber, r.start, r.end]), [[1, 0, 10], [2, 10, 20], [3, 20, 25]]);
  assert.deepEqual(partRanges(20, 10, announced(20, 10)).map((r) => r.end - r.start), [10, 10], 'an exact multiple');
  assert.throws(() => partRanges(25, 10, announced(25, 10).slice(0, 2)), /2 parts where 3/);
  const wrongSize = announced(25, 10);
  wrongSize[2].size = 6;
  assert.throws(() => partRanges(25, 10, wrongSize), /Part 3 does not fit/);
  assert.throws(() => partRanges(25, 10, []), /without parts/);
});

test('every part is sent once with its own bytes, PART_CONCURRENCY at a time, the ETags back in order', async () => {
  const s3 = fakeS3();
  const progress = [];
  const size = 7 * 5 + 3;
  const result = await uploadParts({
    file: fakeFile(size), contentLength: size, partSize: 5, parts: announced(size, 5), putPart: s3.putPart,
    onProgress: (sent, total) => progress.push([sent, total]),
  });
  assert.deepEqual(result, Array.from({ length: 8 }, (_, i) => ({ partNumber: i + 1, etag: `"etag-${i + 1}"` })));
  assert.deepEqual(s3.bodies.map((b) => [b.start, b.end]).sort((a, b) => a[0] - b[0]),
    [[0, 5], [5, 10], [10, 15], [15, 20], [20, 25], [25, 30], [30, 35], [35, 38]]);
  assert.equal(s3.maxInFlight, PART_CONCURRENCY);
  assert.ok(PART_CONCURRENCY >= 2 && PART_CONCURRENCY <= 4);
  assert.deepEqual(progress.at(-1), [size, size], 'the combined count ends at the file size');
  for (let i = 1; i < progress.length; i++) {
    assert.ok(progress[i][0] >= progress[i - 1][0], `never backwards without a retry: ${progress}`);
  }
});

test('a part that fails is retried on its own with growing delays; the others are sent once', async () => {
  const timers = instantTimers();
  const s3 = fakeS3((part, attempt) => (part === 2 && attempt < 3 ? 503 : part === 4 && attempt === 1 ? 0 : 'ok'));
  const progress = [];
  const result = await uploadParts({
    file: fakeFile(20), contentLength: 20, partSize: 5, parts: announced(20, 5), putPart: s3.putPart, timers,
    random: () => 0, onProgress: (sent) => progress.push(sent),
  });
  assert.equal(result.length, 4);
  assert.deepEqual([...s3.attempts.entries()].sort(), [[1, 1], [2, 3], [3, 1], [4, 2]]);
  assert.deepEqual(timers.delays.sort((a, b) => a - b), [1000, 1000, 2000],
    'part 2 waited 1 s then 2 s; part 4 waited 1 s');
  assert.equal(progress.at(-1), 20);
});

test('a part that keeps failing stops the upload after PART_ATTEMPTS tries, naming the part', async () => {
  const s3 = fakeS3((part) => (part === 3 ? 500 : 'ok'));
  await assert.rejects(uploadParts({
    file: fakeFile(20), contentLength: 20, partSize: 5, parts: announced(20, 5), putPart: s3.putPart,
    timers: instantTimers(),
  }), (e) => e instanceof PartFailed && /^Part 3 of 4: HTTP 500/.test(e.message));
  assert.equal(s3.attempts.get(3), PART_ATTEMPTS);
});

test('a refusal that cannot change (403: expired or signature) is not retried', async () => {
  const s3 = fakeS3((part) => (part === 1 ? 403 : 'hang'));
  await assert.rejects(uploadParts({
    file: fakeFile(20), contentLength: 20, partSize: 5, parts: announced(20, 5), putPart: s3.putPart,
    timers: instantTimers(),
  }), (e) => e.status === 403);
  assert.equal(s3.attempts.get(1), 1);
  assert.equal(s3.attempts.has(4), false, 'no new part starts after a failure');
});

test('cancel stops the parts in flight and starts no more', async () => {
  const s3 = fakeS3(() => 'hang');
  const cancel = new AbortController();
  const upload = uploadParts({
    file: fakeFile(50), contentLength: 50, partSize: 5, parts: announced(50, 5), putPart: s3.putPart,
    signal: cancel.signal,
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(s3.attempts.size, PART_CONCURRENCY);
  cancel.abort();
  await assert.rejects(upload, (e) => e instanceof UploadCancelled);
  assert.equal(s3.attempts.size, PART_CONCURRENCY, 'nothing started after the cancel');
  assert.equal(s3.maxInFlight, PART_CONCURRENCY);
});

test('retry delays double up to the cap; what is worth retrying', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelay(n, () => 0)), [1000, 2000, 4000, 8000, 8000]);
  assert.equal(retryDelay(9, () => 1), RETRY_MAX_MS * 1.2);
  assert.deepEqual([0, 408, 429, 500, 503].map(isRetryable), [true, true, true, true, true]);
  assert.deepEqual([400, 403, 404, 412].map(isRetryable), [false, false, false, false]);
});
