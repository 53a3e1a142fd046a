import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  kpiTiles, changeOf, formatMetric, dailySeries, breakdownItems, anomalyMarks, rowsQuery, analyticsQuery, checkRange,
  rowCells, rawColumnsOf, changeLines, compareCountsText, keyText, metricNumber, compareChoice,
} from '../../js/analytics.js';

const M = (o) => ({ rows: 2, spend: '0.00', clicks: 0, impressions: 0, conversions: '0', ctr: null, cpc: null, cpa: null,
  conversionRate: null, ...o });

test('KPI tiles show the API totals and their change against the previous period', () => {
  const tiles = kpiTiles({
    totals: M({ spend: '1234.50', clicks: 200, impressions: 10000, conversions: '10', ctr: 0.02, cpc: '6.1725',
      cpa: '123.4500', conversionRate: 0.05 }),
    previous: { from: '2024-01-01', to: '2024-01-31', totals: M({ spend: '1000.00', clicks: 250, impressions: 10000,
      conversions: '0', ctr: 0.025, cpc: '4.0000', cpa: null, conversionRate: 0 }) },
  });
  const by = Object.fromEntries(tiles.map((t) => [t.key, t]));
  assert.deepEqual(tiles.map((t) => t.key), ['spend', 'clicks', 'impressions', 'conversions', 'ctr', 'cpc', 'cpa',
    'conversionRate']);
  assert.equal(by.spend.text, '1,234.50');
  assert.equal(by.spend.change.text, '+23.5 %');
  assert.equal(by.spend.tone, 'neutral', 'more spend is neither good nor bad');
  assert.equal(by.clicks.change.text, '−20 %');
  assert.equal(by.clicks.tone, 'bad');
  assert.equal(by.impressions.change.text, 'no change');
  assert.equal(by.conversions.change.text, 'new this period');
  assert.equal(by.ctr.text, '2 %');
  assert.equal(by.cpc.text, '6.1725');
  assert.equal(by.cpc.tone, 'bad', 'a dearer click is bad news');
  assert.equal(by.cpa.change.text, 'no earlier data', 'undefined before: no change to show');
  assert.equal(by.conversionRate.text, '5 %');
});

test('a previous period without rows shows no change rather than +∞', () => {
  const tiles = kpiTiles({ totals: M({ spend: '10.00' }), previous: { totals: M({ rows: 0 }) } });
  assert.equal(tiles[0].change.text, 'no earlier data');
  assert.equal(kpiTiles({ totals: M({ spend: '10.00' }) })[0].change.text, 'no earlier data');
  assert.equal(tiles[0].previousText, null, 'no "Previous period: 0.00" for a period without rows');
});

test('an empty dataset (no days, previous of the same shape) shows zeros and no earlier data', () => {
  const zero = M({ rows: 0, spend: '0', conversions: '0' });
  const tiles = kpiTiles({ from: null, to: null, totals: zero, groups: [],
    previous: { from: null, to: null, totals: zero, groups: [] } });
  const by = Object.fromEntries(tiles.map((t) => [t.key, t]));
  assert.equal(by.spend.text, '0.00');
  assert.equal(by.clicks.text, '0');
  assert.equal(by.ctr.text, '—', 'a ratio without a divisor');
  assert.ok(tiles.every((t) => t.change.text === (t.value === null ? '—' : 'no earlier data')
    && t.previousText === null && t.tone === 'neutral'), JSON.stringify(tiles));
});

test('changes and formats', () => {
  assert.deepEqual(changeOf(null, 3), { ratio: null, text: '—', direction: null });
  assert.equal(changeOf(-5, -10).text, '+50 %');
  assert.equal(changeOf(0, 0).text, 'no change');
  assert.equal(formatMetric('spend', '1234567.891'), '1,234,567.89');
  assert.equal(formatMetric('spend', '-12.5'), '-12.50');
  assert.equal(formatMetric('ctr', 0.123456), '12.35 %');
  assert.equal(formatMetric('cpa', null), '—');
  assert.equal(formatMetric('clicks', 1234), '1,234');
  assert.equal(metricNumber({ spend: 'x' }, 'spend'), null);
});

test('the daily series is sorted by day and keeps undefined ratios as gaps', () => {
  const s = dailySeries({ groups: [
    M({ key: '2024-01-02', spend: '5.00', clicks: 0, cpc: null }),
    M({ key: '2024-01-01', spend: '2.50', clicks: 5, cpc: '0.5000' }),
  ] }, 'cpc');
  assert.deepEqual(s.days, ['2024-01-01', '2024-01-02']);
  assert.deepEqual(s.spend, [2.5, 5]);
  assert.deepEqual(s.metric, [0.5, null]);
  assert.deepEqual(dailySeries({ groups: [] }), { days: [], spend: [], metric: [] });
});

test('breakdowns put the largest first and "(other)" last', () => {
  const items = breakdownItems({ groups: [
    M({ key: '(other)', other: true, spend: '900.00' }), M({ key: 'Brand', spend: '10.00' }),
    M({ key: 'Sale', spend: '300.00' }),
  ] });
  assert.deepEqual(items.map((i) => i.label), ['Sale', 'Brand', '(other)']);
  assert.equal(items[2].other, true);
});

test('anomalies become marks with their sentence', () => {
  const marks = anomalyMarks({ items: [{ date: '2024-02-01', channel: 'Search', spend: '900.00', direction: 'high',
    explanation: 'Spend on Search was 3.4× its 28-day median (265.00).' }, { date: '2024-02-02', channel: 'Social',
    spend: '1.00', direction: 'low' }] });
  assert.equal(marks[0].label, 'Spend on Search was 3.4× its 28-day median (265.00).');
  assert.equal(marks[1].label, 'Spend on Social on 2024-02-02 was unusual (1.00).');
  assert.deepEqual(anomalyMarks(null), []);
});

test('row filters: blanks left out, marketing filters or raw column equality, never both', () => {
  assert.equal(rowsQuery({ from: '2024-01-01', to: '', channel: ' Search ', campaign: null, limit: 25 }),
    'from=2024-01-01&channel=Search&limit=25');
  assert.equal(rowsQuery({ from: '2024-01-01', where: { Region: 'EU & UK' }, cursor: 'abc' }, 'raw'),
    'where.Region=EU+%26+UK&cursor=abc');
  assert.equal(rowsQuery({ where: { Region: 'EU' } }), '');
  assert.equal(analyticsQuery({ from: '2024-01-01', to: '' }, 'campaign', 8), 'from=2024-01-01&groupBy=campaign&top=8');
});

test('date ranges typed by a person are checked before any call', () => {
  assert.deepEqual(checkRange('', ''), { ok: true });
  assert.deepEqual(checkRange('2024-01-01', '2024-01-31'), { ok: true });
  assert.equal(checkRange('2024-02-30', '').field, 'from');
  assert.equal(checkRange('', '31/01/2024').field, 'to');
  assert.match(checkRange('2024-02-01', '2024-01-01').message, /ends \(2024-01-01\) before it starts/);
});

test('rows and compare items in words', () => {
  assert.deepEqual(rowCells({ date: '2024-01-01', campaign: 'Brand', channel: 'Search', spend: '12.5', clicks: 3,
    impressions: 100, conversions: null, extra: { Region: 'EU' } }),
  ['2024-01-01', 'Brand', 'Search', '12.50', '3', '100', '—', 'Region: EU']);
  assert.deepEqual(rawColumnsOf([{ data: { id: '1', b: 'x' } }, { data: { id: '2', c: 'y' } }]), ['id', 'b', 'c']);
  assert.deepEqual(changeLines({ change: 'changed', fields: [{ name: 'spend', old: '12.50', new: '13.00' },
    { name: 'note', old: null, new: 'hi' }] }), ['spend: 12.50 → 13.00', 'note: (empty) → hi']);
  assert.deepEqual(changeLines({ change: 'added' }), ['added in the second run']);
  assert.equal(compareCountsText({ added: 3, removed: 1, changed: 2, unchanged: 1000 }),
    '3 added · 1 removed · 2 changed · 1,000 unchanged');
  assert.equal(keyText(['2024-01-01', 'Brand', 'Search'], ['date', 'campaign', 'channel']),
    'date 2024-01-01 · campaign Brand · channel Search');
});

test('the compare form defaults to the two newest runs when it becomes usable, and keeps a real choice', () => {
  assert.equal(compareChoice(['r1'], { a: 'r1', b: 'r1' }, false), null, 'one run: nothing to compare');
  assert.deepEqual(compareChoice(['r2', 'r1'], { a: 'r1', b: 'r1' }, false), { a: 'r1', b: 'r2' },
    'a second run published on the open page: second newest against newest, not the old run twice');
  assert.deepEqual(compareChoice(['r2', 'r1'], { a: '', b: '' }, false), { a: 'r1', b: 'r2' });
  assert.deepEqual(compareChoice(['r3', 'r2', 'r1'], { a: 'r1', b: 'r2' }, true), { a: 'r1', b: 'r2' },
    'a third run keeps the pair the user chose');
  assert.deepEqual(compareChoice(['r3', 'r2', 'r1'], { a: 'r2', b: 'r2' }, true), { a: 'r2', b: 'r3' },
    'the same run twice is no choice');
  assert.deepEqual(compareChoice(['r3', 'r1'], { a: 'r2', b: 'r3' }, true), { a: 'r1', b: 'r3' },
    'a run no longer listed falls back to its default');
});
