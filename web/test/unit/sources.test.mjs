import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pulledBy, sourceLabel, pullSummary } from '../../js/sources.js';

const pulled = { runId: 'r1', source: 'pull', sourceId: 'src_1', pullId: 'pull_9', datasetId: 'ds_1' };

test('a pulled run is named by its source, by kind and URL once the source is read', () => {
  assert.deepEqual(pulledBy(pulled), { label: 'src_1', sourceId: 'src_1', pullId: 'pull_9' },
    'before the source is read: its id');
  assert.deepEqual(pulledBy(pulled, { id: 'src_1', kind: 'csv-url', url: 'https://example.com/spend.csv' }),
    { label: 'CSV file (URL): https://example.com/spend.csv', sourceId: 'src_1', pullId: 'pull_9' });
  assert.equal(pulledBy(pulled, { id: 'src_2', kind: 'feed', url: 'https://other.example/feed' }).label, 'src_1',
    'another source is not this run\'s');
  assert.equal(sourceLabel({ kind: 'json-api', url: 'https://api.example/v1' }), 'JSON API: https://api.example/v1');
  assert.equal(sourceLabel({ kind: 'ftp', url: 'ftp://x' }), 'ftp: ftp://x', 'an unknown kind as the API names it');
});

test('uploads, partner drops and re-runs say nothing about a source', () => {
  assert.equal(pulledBy({ runId: 'r2', source: 'upload' }), null);
  assert.equal(pulledBy({ runId: 'r3', source: 'drop' }), null);
  assert.equal(pulledBy(null), null);
  assert.deepEqual(pulledBy({ runId: 'r4', source: 'pull' }), { label: 'an unknown source', sourceId: null,
    pullId: null }, 'a pull whose key names no source still says it was pulled');
});

test('a pull in one line', () => {
  assert.equal(pullSummary({ status: 'done', records: 120, runId: '3f2a9c1e-0000', error: null }),
    'done · 120 records · run 3f2a9c1e…');
});
