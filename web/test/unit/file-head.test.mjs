import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readHead } from '../../js/file-head.js';

const text = 'Date,Campaign,Channel\n' + '2024-01-01,Brand,google\n'.repeat(1000);

test('a plain file: its first bytes, complete when it fits', async () => {
  const head = await readHead(new Blob([text]), 100);
  assert.equal(new TextDecoder().decode(head.bytes), text.slice(0, 100));
  assert.deepEqual([head.complete, head.gzip], [false, false]);
  const whole = await readHead(new Blob([text]), 1 << 20);
  assert.deepEqual([whole.bytes.length, whole.complete], [text.length, true]);
});

test('a gzip file: the CSV inside, as far as the preview needs', async () => {
  const gz = new Blob([gzipSync(text)]);
  const head = await readHead(gz, 100);
  assert.equal(new TextDecoder().decode(head.bytes), text.slice(0, 100));
  assert.deepEqual([head.complete, head.gzip], [false, true]);
  const whole = await readHead(gz, 1 << 20);
  assert.equal(new TextDecoder().decode(whole.bytes), text);
  assert.equal(whole.complete, true);
});

test('a gzip bomb is inflated only up to the limit', async () => {
  const bomb = new Blob([gzipSync(Buffer.alloc(64 << 20))]);
  const started = Date.now();
  const head = await readHead(bomb, 64 << 10);
  assert.equal(head.bytes.length, 64 << 10);
  assert.equal(head.complete, false);
  assert.ok(Date.now() - started < 5000);
});

test('a damaged gzip stream previews what came out before the damage', async () => {
  const gz = gzipSync(text);
  const damaged = new Blob([gz.subarray(0, gz.length - 20), Buffer.from('garbage-garbage-garbage')]);
  const head = await readHead(damaged, 1 << 20);
  assert.equal(head.gzip, true);
  assert.equal(head.complete, false);
});
