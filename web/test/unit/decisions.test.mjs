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
    { column: 'Datum', field: '', dateOrder: 'day/month/year', decimalStyle: '', currency: '', how: 'decided by the values in the column' },
    { column: 'Kosten', field: '', dateOrder: '', decimalStyle: 'decimal comma (1.234,56)', currency: 'EUR', how: 'decided by the values in the column' },
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

test('the server reports what decided encoding and delimiter; their values are the file facts', () => {
  const decisions = {
    encoding: 'bom', delimiter: 'sep line', headerLine: 4, sepLine: true,
    preamble: { records: 2, text: ['Campaign report,,,', 'Jan 1 – Jan 31;;'] },
    columns: [
      { column: 'Datum', field: 'date', type: 'date', dateOrder: 'dmy', decidedBy: 'values' },
      { column: 'Kosten', field: 'spend', type: 'decimal', decimalMark: 'comma', thousandsSeparator: '.', currency: 'EUR', decidedBy: 'setting' },
      { column: 'Kampagne', field: 'campaign', type: 'text' },
    ],
  };
  const rows = fileDecisions(decisions, { encoding: 'UTF-8', delimiter: ';' });
  assert.deepEqual(rows.map((r) => [r.key, r.value, r.how]), [
    ['encoding', 'UTF-8 with BOM', 'from the byte-order mark'],
    ['delimiter', 'Semicolon (;)', 'from the file’s sep= line'],
    ['sep', 'yes, honoured and not counted as a record', null],
    ['preamble', '2 lines (“Campaign report”, “Jan 1 – Jan 31”)', null],
    ['header', 'line 4', null],
  ]);
  assert.deepEqual(columnDecisions(decisions), [
    { column: 'Datum', field: 'date', dateOrder: 'day/month/year', decimalStyle: '', currency: '', how: 'decided by the values in the column' },
    { column: 'Kosten', field: 'spend', dateOrder: '', decimalStyle: 'decimal comma (1.234,56), point between thousands', currency: 'EUR', how: 'pinned in the dataset settings' },
  ]);
  assert.equal(fileDecisions({ encoding: 'detected', preamble: { records: 0, text: [] } }, { encoding: 'windows-1252' })
    .map((r) => r.value).join('|'), 'windows-1252|none');
});
