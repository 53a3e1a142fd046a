import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  linearScale, extent, niceTicks, formatTick, linePath, bandScale, labelIndexes, timeSeriesChart, barChart, escapeXml,
  shortDate,
} from '../../js/charts.js';

test('a linear scale maps the domain ends onto the range ends, inverted ranges included', () => {
  const y = linearScale([0, 100], [200, 0]);
  assert.equal(y(0), 200);
  assert.equal(y(100), 0);
  assert.equal(y(25), 150);
  assert.equal(linearScale([-50, 50], [0, 100])(0), 50);
  assert.equal(linearScale([5, 5], [0, 100])(5), 50, 'a zero-width domain maps to the middle');
});

test('extent includes zero, and an empty or flat series still gets a drawable domain', () => {
  assert.deepEqual(extent([3, 9, 4]), [0, 9]);
  assert.deepEqual(extent([-4, 2]), [-4, 2]);
  assert.deepEqual(extent([-4, -2]), [-4, 0]);
  assert.deepEqual(extent([]), [0, 1]);
  assert.deepEqual(extent([null, undefined, NaN]), [0, 1]);
  assert.deepEqual(extent([0, 0]), [0, 1]);
  assert.deepEqual(extent([7, 7], { includeZero: false }), [7, 14]);
});

test('nice ticks are round steps that cover the data', () => {
  const t = niceTicks(0, 87);
  assert.equal(t.step, 20);
  assert.deepEqual(t.ticks, [0, 20, 40, 60, 80, 100]);
  assert.ok(t.min <= 0 && t.max >= 87);
  const small = niceTicks(0, 0.3, 3);
  assert.deepEqual(small.ticks, [0, 0.1, 0.2, 0.3], 'no 0.30000000000000004');
  const negative = niceTicks(-35, 12);
  assert.ok(negative.min <= -35 && negative.max >= 12 && negative.ticks.includes(0));
  assert.deepEqual(niceTicks(0, 0).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1], 'all zero: 0..1');
  assert.ok(niceTicks(5, 5).ticks.includes(0) && niceTicks(5, 5).max >= 5, 'one value: from zero to it');
  assert.deepEqual(niceTicks(NaN, 3).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  for (const [lo, hi] of [[0, 1234567], [-1, 1], [0.001, 0.009], [17, 9999]]) {
    const r = niceTicks(lo, hi);
    assert.ok(r.ticks.length >= 2 && r.ticks.length <= 12, `${lo}..${hi}: ${r.ticks}`);
    assert.ok(r.min <= lo && r.max >= hi);
  }
});

test('tick labels are short', () => {
  assert.equal(formatTick(950), '950');
  assert.equal(formatTick(12000), '12k');
  assert.equal(formatTick(2500000), '2.5M');
  assert.equal(formatTick(0.25, 0.05), '0.25');
  assert.equal(formatTick(-20000), '-20k');
});

test('a line path skips missing values as gaps and draws nothing for nothing', () => {
  assert.equal(linePath([]), '');
  assert.equal(linePath([{ x: 0, y: 10 }, { x: 5, y: 20 }, { x: 10, y: 0 }]), 'M0 10 L5 20 L10 0');
  assert.equal(linePath([{ x: 0, y: 1 }, { x: 1, y: null }, { x: 2, y: 3 }, { x: 3, y: 4 }]), 'M0 1 M2 3 L3 4');
  assert.equal(linePath([{ x: 1.26, y: 2.04 }]), 'M1.3 2', 'one point: a move only (the chart adds a dot)');
});

test('bands split the range evenly and know only their keys', () => {
  const band = bandScale(['a', 'b'], [0, 100], 0.2);
  assert.equal(band.bandwidth, 40);
  assert.equal(band.position('a'), 5);
  assert.equal(band.position('b'), 55);
  assert.equal(band.position('c'), null);
  assert.equal(bandScale([], [0, 100]).bandwidth, 0);
});

test('axis labels: the first and last day always, evenly spaced between', () => {
  assert.deepEqual(labelIndexes(0, 6), []);
  assert.deepEqual(labelIndexes(1, 6), [0]);
  assert.deepEqual(labelIndexes(4, 6), [0, 1, 2, 3]);
  const many = labelIndexes(90, 6);
  assert.equal(many[0], 0);
  assert.equal(many.at(-1), 89);
  assert.ok(many.length <= 7);
});

const days = (n) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));

test('a time series is an accessible image with a title per day and the anomaly marked', () => {
  const chart = timeSeriesChart({
    days: days(5), title: 'Daily spend and clicks',
    series: [{ name: 'Spend', values: [10, 12, 80, 11, 9] }, { name: 'Clicks', values: [1, 2, 3, 4, 5] }],
    marks: [{ date: '2024-01-03', label: 'Spend on Search was 6.7× its 28-day median (12.00).' }],
  });
  assert.equal(chart.empty, false);
  assert.match(chart.svg, /^<svg [^>]*role="img"/);
  assert.match(chart.svg, /aria-label="Daily spend and clicks from 2024-01-01 to 2024-01-05: Spend highest 80 on 2024-01-03; Clicks highest 5 on 2024-01-05\. 1 spend anomaly marked\."/);
  assert.equal((chart.svg.match(/<rect class="hover"/g) || []).length, 5, 'one tooltip column per day');
  assert.match(chart.svg, /<title>2024-01-03\nSpend: 80\nClicks: 3\nSpend on Search was 6\.7× its 28-day median \(12\.00\)\.<\/title>/);
  assert.equal((chart.svg.match(/<g class="mark">/g) || []).length, 1);
  assert.equal((chart.svg.match(/<path class="line series-/g) || []).length, 2);
  assert.match(chart.svg, /class="tick y-right"/, 'the second series has its own axis');
  assert.match(chart.svg, />Jan 1</);
  assert.match(chart.svg, />Jan 5</);
});

test('the spend line is drawn at the right heights: the highest day at the top of the plot', () => {
  const chart = timeSeriesChart({ days: days(3), series: [{ name: 'Spend', values: [0, 50, 100] }], width: 300, height: 200 });
  const d = /<path class="line series-0" d="([^"]+)"/.exec(chart.svg)[1];
  const ys = [...d.matchAll(/[ML](\S+) (\S+)/g)].map((m) => Number(m[2]));
  assert.equal(ys[0], 200 - 30, 'zero sits on the x axis');
  assert.equal(ys[2], 14, 'the maximum (a nice tick here) at the top margin');
  assert.equal(ys[1], (ys[0] + ys[2]) / 2);
});

test('an empty series says so in text and in its label', () => {
  for (const input of [{ days: [], series: [{ name: 'Spend', values: [] }] },
    { days: days(2), series: [{ name: 'Spend', values: [null, null] }] }]) {
    const chart = timeSeriesChart({ ...input, title: 'Daily spend' });
    assert.equal(chart.empty, true);
    assert.match(chart.svg, /aria-label="Daily spend: no data in this period\."/);
    assert.match(chart.svg, />No data in this period</);
  }
});

test('one day is a dot in the middle, not an invisible line', () => {
  const chart = timeSeriesChart({ days: ['2024-02-29'], series: [{ name: 'Spend', values: [5] }], width: 300 });
  assert.match(chart.svg, /<circle class="dot series-0" cx="163"/);
  assert.match(chart.summary, /on 2024-02-29/);
});

test('negative and zero values share the scale with a zero line', () => {
  const chart = timeSeriesChart({ days: days(3), series: [{ name: 'Spend', values: [-20, 0, 40] }] });
  assert.match(chart.svg, /class="grid zero"/);
  assert.doesNotMatch(chart.svg, /NaN|Infinity|undefined/);
});

test('bars: longest for the largest value, "(other)" styled apart, negatives left of zero, labels escaped', () => {
  const chart = barChart({
    title: 'Spend by channel', width: 400,
    items: [{ label: 'Search', value: 100 }, { label: '<Social & co>', value: 50 }, { label: '(other)', value: 10, other: true }],
  });
  const widths = [...chart.svg.matchAll(/<rect class="bar" x="[^"]+" y="[^"]+" width="([^"]+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 3);
  assert.ok(widths[0] > widths[1] && widths[1] > widths[2]);
  assert.ok(Math.abs(widths[0] / widths[1] - 2) < 0.02, 'lengths are proportional');
  assert.match(chart.svg, /&lt;Social &amp; co&gt;/);
  assert.doesNotMatch(chart.svg, /<Social/);
  assert.match(chart.svg, /class="bar-row other"/);
  assert.match(chart.summary, /^Spend by channel: 3 bars; Search 100, <Social & co> 50, \(other\) 10\.$/);
  const negative = barChart({ items: [{ label: 'Refunds', value: -30 }, { label: 'Search', value: 60 }] });
  assert.match(negative.svg, /class="bar-row negative"/);
  assert.match(negative.svg, /class="axis zero"/);
  const xs = [...negative.svg.matchAll(/<rect class="bar" x="([^"]+)" y="[^"]+" width="([^"]+)"/g)]
    .map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(Math.abs(xs[0][0] + xs[0][1] - xs[1][0]) < 0.2, 'the negative bar ends where the positive one starts');
  const zero = barChart({ items: [{ label: 'Idle', value: 0 }] });
  assert.doesNotMatch(zero.svg, /NaN/);
  assert.equal(barChart({ items: [], title: 'Spend by campaign' }).empty, true);
});

test('text is escaped and days read as calendar days', () => {
  assert.equal(escapeXml('a<b>&"\''), 'a&lt;b&gt;&amp;&quot;&#39;');
  assert.equal(shortDate('2024-03-01'), 'Mar 1');
  assert.equal(shortDate('not a date'), 'not a date');
});
