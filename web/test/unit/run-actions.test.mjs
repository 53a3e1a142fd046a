import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  runActions, confirmation, doneText, failureText, countsText, publicationText, rollbackText, isPublished, reviewSamples,
  rowDiff,
} from '../../js/run-actions.js';

const actions = (run) => runActions({ runId: 'r1', fileName: 'ads.csv', ...run }).map((a) => a.action);
const published = { strategy: 'upsert', state: 'published', counts: { inserted: 12, updated: 3, unchanged: 1,
  conflicting: 0, removed: 0 }, publishedAt: '2024-01-01T00:00:00Z', rolledBackAt: null, rollback: null };

test('each state offers exactly the actions the API accepts for it', () => {
  assert.deepEqual(actions({ status: 'REVIEW' }), ['publish', 'discard']);
  assert.deepEqual(actions({ status: 'SUCCEEDED', publication: published }), ['rollback']);
  assert.deepEqual(actions({ status: 'PARTIAL', publication: published, chunksDead: 2 }), ['rollback', 'redrive']);
  assert.deepEqual(actions({ status: 'PARTIAL', chunksDead: 0, publication: published }), ['rollback']);
  assert.deepEqual(actions({ status: 'SUCCEEDED' }), [], 'never published (an empty run): nothing to roll back');
  assert.deepEqual(actions({ status: 'SUCCEEDED', publication: { ...published, state: 'rolled_back' } }), []);
  assert.deepEqual(actions({ status: 'ROLLED_BACK', publication: { ...published, state: 'rolled_back' } }), []);
  assert.deepEqual(actions({ status: 'LOADING', stalled: true }), ['resume', 'cancel']);
  assert.deepEqual(actions({ status: 'LOADING', stalled: false }), ['cancel']);
  assert.deepEqual(actions({ status: 'SPLITTING' }), ['cancel']);
  assert.deepEqual(actions({ status: 'PUBLISHING' }), []);
  assert.deepEqual(actions({ status: 'FAILED' }), []);
  assert.deepEqual(actions({ status: 'PARTIAL', chunksDead: 1, failure: { code: 'FILE_CHANGED' } }), []);
  assert.deepEqual(runActions({ runId: null, status: 'PREPARING' }), []);
  assert.deepEqual(actions({ status: 'CANCELLED', failure: { code: 'UPLOAD_ABORTED', local: true } }), []);
  assert.equal(isPublished({ status: 'SUCCEEDED', publication: published }), true);
});

test('the rollback confirmation names the consequences and the conflict rule', () => {
  const run = { runId: 'r1', fileName: 'ads.csv', status: 'SUCCEEDED', publication: published };
  const c = confirmation('rollback', run);
  assert.equal(c.title, 'Roll back “ads.csv”?');
  assert.match(c.text, /the 12 rows it added are removed, the 3 rows it changed get their earlier values back/);
  assert.match(c.text, /Rows that a later run changed again, or published too with the same values, stay as that later run /);
  assert.match(c.text, /left them; they are listed as conflicts/);
  assert.equal(c.confirmLabel, 'Roll back');
  assert.match(confirmation('cancel', run).text, /No further chunks/);
  assert.match(confirmation('discard', run).text, /Nothing of this run is published/);
});

test('outcomes and failures read as sentences', () => {
  const run = { runId: 'r1', fileName: 'ads.csv' };
  assert.equal(doneText('redrive', run, { chunksSent: 2 }), 'Redrive started: 2 dead chunks sent again.');
  assert.equal(doneText('resume', run, { chunksSent: 1 }), 'Resumed: 1 chunk sent again.');
  assert.equal(doneText('rollback', run, { publication: { state: 'rolled_back',
    rollback: { removed: 12, restored: 3, conflicts: [{ key: ['a'], laterRunId: 'r2' }] } } }),
  'Rolled back: 12 rows removed, 3 restored; 1 conflict left to a later run.');
  assert.equal(failureText('rollback', run, { message: 'Run r1 is ROLLED_BACK already.' }),
    'Could not roll back “ads.csv”: Run r1 is ROLLED_BACK already.');
  assert.equal(failureText('publish', run, {}), 'Could not publish “ads.csv”: The server gave no reason.');
});

test('publication and review counts in words', () => {
  assert.equal(countsText(published.counts), '12 new · 3 updated · 1 unchanged · 0 conflicting · 0 removed');
  assert.equal(publicationText(published), 'Published (upsert): 12 new · 3 updated · 1 unchanged · 0 conflicting · 0 removed');
  assert.equal(publicationText({ state: 'discarded' }), 'Discarded in review: nothing was published.');
  assert.equal(publicationText(null), null);
  assert.equal(rollbackText({ state: 'rolled_back', rollback: { removed: 1, restored: 0, conflicts: [] } }),
    'Rolled back: 1 row removed, 0 restored.');
});

test('review samples show what would change, field by field', () => {
  const old = { date: '2024-01-01', campaign: 'Brand', channel: 'Search', spend: '12.5', clicks: 3, impressions: 100,
    conversions: null, extra: { Region: 'EU' } };
  const next = { ...old, spend: '12.50', clicks: 4, conversions: '1', extra: { Region: 'UK' } };
  const samples = reviewSamples({ samples: {
    inserted: [{ key: ['2024-01-02', 'Sale', 'Social'], new: { ...old, date: '2024-01-02' } }],
    updated: [{ key: ['2024-01-01', 'Brand', 'Search'], old, new: next }],
    unchanged: [],
    conflicting: [{ key: ['2024-01-03', 'Brand', 'Search'], recordNos: [4, 9] }],
    removed: [{ key: ['x'], old: { data: { id: '7', note: '' } } }],
  } });
  assert.deepEqual(samples.map((s) => s.kind), ['inserted', 'updated', 'conflicting', 'removed']);
  assert.equal(samples[1].items[0].key, '2024-01-01 · Brand · Search');
  assert.equal(samples[1].items[0].text, 'clicks: 3 → 4; conversions: (empty) → 1; Region: EU → UK',
    '12.5 and 12.50 are the same spend');
  assert.match(samples[0].items[0].text, /^date 2024-01-02 · campaign Brand · channel Search · spend 12.5 · clicks 3/);
  assert.equal(samples[2].items[0].text, 'records 4, 9');
  assert.equal(samples[3].items[0].text, 'id 7', 'raw rows: their data; empty values left out');
  assert.deepEqual(rowDiff({ data: { a: '1' } }, { data: { a: '1', b: '2' } }), [{ name: 'b', old: null, new: '2' }]);
  assert.deepEqual(reviewSamples(null), []);
});

test('the controls are rebuilt when what they offer changes, not on every progress tick', async () => {
  const { controlsKey } = await import('../../js/run-controls.js');
  const loading = { runId: 'r1', status: 'LOADING', stored: 10, stalled: false };
  assert.equal(controlsKey(loading), controlsKey({ ...loading, stored: 500, bytesDone: 9000 }));
  assert.notEqual(controlsKey(loading), controlsKey({ ...loading, stalled: true }), 'Resume appears');
  const review = { runId: 'r1', status: 'REVIEW', publication: { state: 'review', counts: { inserted: 1 } } };
  assert.notEqual(controlsKey(review), controlsKey({ ...review, publication: { state: 'review', counts: { inserted: 2 } } }));
  assert.notEqual(controlsKey({ ...review, status: 'SUCCEEDED', publication: { state: 'published' } }),
    controlsKey({ ...review, status: 'SUCCEEDED', publication: { state: 'rolled_back' } }));
});
