import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDecisions, columnDecisions, linesText, howText } from '../../js/decisions.js';

test('file-wide decisions in words, each with how it was decided', () => {
  const rows = fileDecisions({
    encoding: { value: 'UTF-8', how: 'BOM', bom: true },
    delimiter: { value: ';', how: 'SEP_LINE' },
    sepLine: ';',
    headerLine: { value: 4, how: 'shape' },
    skippedLines: [1, 2, 3],
    dateOrder: { value: 'DMY', how: 'PINNED' },
  });
  assert.deepEqual(rows.map((r) => [r.label, r.value, r.how]), [
    ['Encoding', 'UTF-8 with BOM', 'from the byte-order mark'],
    ['Delimiter', 'Semicolon (;)', 'from the file’s sep= line'],
    ['sep= line', 'yes (sep=;), honoured and not counted as a record', null],
    ['Skipped before the header', 'lines 1–3', null],
    ['Header', 'line 4', 'found by its shape'],
    ['Date order', 'day/month/year', 'pinned in the dataset settings'],
  ]);
  assert.deepEqual(fileDecisions(null), []);
});

test('per-column decisions from a list or an object keyed by column', () => {
  const list = columnDecisions({ columns: [
    { column: 'Datum', dateOrder: { value: 'DMY', how: 'VALUES' } },
    { column: 'Kosten', decimalStyle: 'COMMA', currency: 'EUR', how: 'values' },
    { column: 'Kampagne' },
  ] });
  assert.deepEqual(list, [
    { column: 'Datum', dateOrder: 'day/month/year', decimalStyle: '', currency: '', how: 'decided by the values in the column' },
    { column: 'Kosten', dateOrder: '', decimalStyle: 'decimal comma (1.234,56)', currency: 'EUR', how: 'decided by the values in the column' },
  ]);
  const keyed = columnDecisions({ columns: { Day: { dateOrder: 'mdy', how: 'ambiguous' } } });
  assert.equal(keyed[0].column, 'Day');
  assert.equal(keyed[0].dateOrder, 'month/day/year');
  assert.equal(keyed[0].how, 'no value decided it, so the dataset’s setting was used');
});

test('line lists read as ranges, unknown codes pass through readably', () => {
  assert.equal(linesText([1, 2, 3, 5]), 'lines 1–3 and 5');
  assert.equal(linesText([2]), 'line 2');
  assert.equal(linesText([]), 'none');
  assert.equal(linesText(2), '2 lines');
  assert.equal(howText('MOST_VALUES_AGREE'), 'most values agree');
  assert.equal(howText(null), null);
});
