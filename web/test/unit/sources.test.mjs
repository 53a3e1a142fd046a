import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceFormValues, sourceRequest, pullSummary, pulledBy, sourceLabel } from '../../js/sources.js';

/** A stand-in for the form element: what sourceRequest reads is form.elements[name].value. */
function formOf(values, typed = {}) {
  const elements = {};
  for (const [name, value] of Object.entries({ ...values, ...typed })) elements[name] = { value };
  return { elements };
}

/** A source as GET /api/sources/{id} answers it (the fields the form shows). */
function source(pagination, extra = {}) {
  return {
    id: 's1', kind: 'json-api', url: 'https://api.example.org/items', schedule: 'rate(1 hour)',
    timezone: 'Europe/Paris', enabled: true, cursorField: 'updated_at', recordsPath: 'data.items',
    since: 'updated_since={checkpoint}', pagination, headers: { Authorization: '***' }, ...extra,
  };
}

test('an edit saved untouched sends back every pagination field the source had', () => {
  const cursor = source({ type: 'cursor', param: 'after', start: 1, nextPath: 'meta.next', maxPages: 40 });
  assert.deepEqual(sourceRequest(formOf(sourceFormValues(cursor)), { creating: false }), {
    url: 'https://api.example.org/items', schedule: 'rate(1 hour)', timezone: 'Europe/Paris',
    cursorField: 'updated_at', recordsPath: 'data.items', since: 'updated_since={checkpoint}',
    pagination: { type: 'cursor', param: 'after', nextPath: 'meta.next', maxPages: 40 },
  });

  const page = source({ type: 'page', param: 'p', start: 0, nextPath: null, maxPages: 1000 });
  assert.deepEqual(sourceRequest(formOf(sourceFormValues(page)), { creating: false }).pagination,
    { type: 'page', param: 'p', start: 0, maxPages: 1000 });

  const link = source({ type: 'link', param: null, start: 1, nextPath: null, maxPages: 7 });
  assert.deepEqual(sourceRequest(formOf(sourceFormValues(link)), { creating: false }).pagination,
    { type: 'link', maxPages: 7 });
});

test('choosing none on an edit is sent, and a changed field changes only itself', () => {
  const cursor = source({ type: 'cursor', param: 'after', start: 1, nextPath: 'meta.next', maxPages: 40 });
  const none = sourceRequest(formOf(sourceFormValues(cursor), { pagination: 'none' }), { creating: false });
  assert.deepEqual(none.pagination, { type: 'none' });

  const renamed = sourceRequest(formOf(sourceFormValues(cursor), { pageParam: 'since_id' }), { creating: false });
  assert.deepEqual(renamed.pagination, { type: 'cursor', param: 'since_id', nextPath: 'meta.next', maxPages: 40 });
  assert.equal(renamed.cursorField, 'updated_at');
});

test('the form shows a source as the API answered it, and a new one with defaults', () => {
  const values = sourceFormValues(source({ type: 'page', param: 'p', start: 2, nextPath: null, maxPages: 9 },
    { schedule: null, timezone: null, since: null }));
  assert.deepEqual(values, {
    url: 'https://api.example.org/items', schedule: '', timezone: 'UTC', cursorField: 'updated_at',
    recordsPath: 'data.items', since: '', pagination: 'page', pageParam: 'p', pageStart: '2', nextPath: '',
    maxPages: '9',
  });
  assert.deepEqual(sourceFormValues(null), {
    url: '', schedule: '', timezone: 'UTC', cursorField: '', recordsPath: '', since: '', pagination: 'none',
    pageParam: '', pageStart: '1', nextPath: '', maxPages: '',
  });
});

test('adding sends only what was filled in; an edit without a schedule removes it without a time zone', () => {
  const added = sourceRequest(formOf(sourceFormValues(null), { kind: 'csv-url', url: 'https://x.org/a.csv' }),
    { creating: true });
  assert.deepEqual(added, { kind: 'csv-url', url: 'https://x.org/a.csv' });

  const unscheduled = sourceRequest(formOf(sourceFormValues(source({ type: 'none' })), { schedule: '' }),
    { creating: false });
  assert.equal(unscheduled.schedule, null);
  assert.equal('timezone' in unscheduled, false, 'a time zone without a schedule is refused by the API');
  assert.deepEqual(unscheduled.pagination, { type: 'none' });
});

test('header values are sent only when typed, and page numbers must be whole numbers', () => {
  const values = sourceFormValues(source({ type: 'page', param: 'p', start: 1, maxPages: 10 }));
  assert.equal('headers' in sourceRequest(formOf(values), { creating: false }), false);
  assert.deepEqual(sourceRequest(formOf(values, { headerName: 'Authorization', headerValue: 'Bearer t' }),
    { creating: false }).headers, { Authorization: 'Bearer t' });
  assert.throws(() => sourceRequest(formOf(values, { maxPages: 'lots' }), { creating: false }),
    /Most pages must be a whole number of at least 1/);
  assert.throws(() => sourceRequest(formOf(values, { pageStart: '1.5' }), { creating: false }), /First page/);
});

test('a pull reads as one line', () => {
  assert.equal(pullSummary({ status: 'done', records: 3, runId: '3f2a9c1e-aaaa', error: null }),
    'done · 3 records · run 3f2a9c1e…');
  assert.equal(pullSummary({ status: 'failed', records: null, runId: null, error: 'TOO_LARGE: too big' }),
    'failed · TOO_LARGE: too big');
});

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
