import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { sha256Hex, SHA256_MAX_BYTES } from '../../js/checksum.js';

test('the digest is the SHA-256 of the file\'s bytes, as 64 hex digits', async () => {
  const bytes = new TextEncoder().encode('Date,Campaign,Channel\n2024-01-01,Brand,google\n');
  const file = new Blob([bytes]);
  assert.equal(await sha256Hex(file, webcrypto.subtle), createHash('sha256').update(bytes).digest('hex'));
  assert.equal(await sha256Hex(new Blob([]), webcrypto.subtle),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('no digest above the in-memory limit or without SubtleCrypto (not a secure context)', async () => {
  let read = false;
  const huge = { size: SHA256_MAX_BYTES + 1, arrayBuffer: async () => { read = true; return new ArrayBuffer(0); } };
  assert.equal(await sha256Hex(huge, webcrypto.subtle), null);
  assert.equal(read, false, 'the file is not even read');
  assert.equal(await sha256Hex(new Blob(['x']), null), null);
});
