import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminQuery, matchesFilters, healthSummary, statsTiles } from '../../js/admin.js';

test('admin filters become the query of GET /api/admin/runs', () => {
  assert.deepEqual(adminQuery({}), { ok: true, query: '' });
  assert.equal(adminQuery({ statuses: ['PARTIAL', 'LOADING', 'BOGUS'], owner: ' u-1 ', dataset: 'ds1', dead: true,
    stalled: true, from: '2024-01-01', to: '2024-01-31', limit: 50, cursor: 'c1' }).query,
  'status=PARTIAL%2CLOADING&owner=u-1&dataset=ds1&dead=true&stalled=true&from=2024-01-01T00%3A00%3A00Z'
    + '&to=2024-01-31T23%3A59%3A59.999Z&limit=50&cursor=c1');
  assert.equal(adminQuery({ from: '1/2/2024' }).field, 'from');
  assert.equal(adminQuery({ from: '2024-02-01', to: '2024-01-01' }).field, 'to');
});

test('a live run is kept in the list only while it matches the filters', () => {
  const run = { runId: 'r', status: 'LOADING', owner: 'u-1', datasetId: 'ds1', chunksDead: 0, stalled: true,
    createdAt: '2024-01-10T08:00:00Z' };
  assert.equal(matchesFilters(run, {}), true);
  assert.equal(matchesFilters(run, { statuses: ['LOADING'], owner: 'u-1', stalled: true }), true);
  assert.equal(matchesFilters(run, { statuses: ['PARTIAL'] }), false);
  assert.equal(matchesFilters(run, { owner: 'u-2' }), false);
  assert.equal(matchesFilters(run, { dataset: 'ds2' }), false);
  assert.equal(matchesFilters(run, { dead: true }), false);
  assert.equal(matchesFilters(run, { from: '2024-01-11' }), false);
  assert.equal(matchesFilters(run, { to: '2024-01-09' }), false);
  assert.equal(matchesFilters(run, { from: '2024-01-10', to: '2024-01-10' }), true);
});

test('health in words: what is down, never more than the API said', () => {
  const ok = healthSummary({ status: 'ok', checks: { database: { ok: true, millis: 3 }, objectStore: { ok: true, millis: 9 } },
    oldestChunkMessageAgeSeconds: 0 });
  assert.equal(ok.status, 'ok');
  assert.equal(ok.text, 'All systems reachable. Oldest chunk message: 0 s.');
  assert.deepEqual(ok.checks.map((c) => [c.label, c.text]), [['Database', '3 ms'], ['Object store', '9 ms']]);
  const down = healthSummary({ status: 'down', down: ['database'], checks: { database: { ok: false,
    message: 'did not answer within 2 s' }, runsTable: { ok: true, millis: 4 } } });
  assert.equal(down.status, 'down');
  assert.equal(down.text, 'Down: Database.');
  assert.equal(down.checks[0].text, 'did not answer within 2 s');
  assert.equal(healthSummary(null).status, 'unknown');
});

test('stats tiles', () => {
  const { tiles, period } = statsTiles({ since: '2024-01-01T00:00:00Z', runsByStatus: { SUCCEEDED: 10, FAILED: 1 },
    runs: 11, records: 123456, errors: 12, errorRate: 0.0123, durationSeconds: { p50: 2.5, p95: 10 }, capped: true });
  const by = Object.fromEntries(tiles.map((t) => [t.key, t.text]));
  assert.equal(by.runs, '11');
  assert.equal(by.records, '123,456');
  assert.equal(by.errorRate, '1.23 %');
  assert.equal(by.partial, '0');
  assert.equal(by.p95, '10 s');
  assert.match(period, /capped/);
  assert.deepEqual(statsTiles(null).tiles, []);
});
