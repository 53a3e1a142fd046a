import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neutralise, csvCell, toCsv, errorsCsv, recordsCsv, fetchAll, ERROR_COLUMNS } from '../../js/export.js';

test('text starting with = + - @ tab or CR is neutralised with an apostrophe', () => {
  for (const value of ['=1+2', '+cmd', '-25.00', '@SUM(A1)', '\t=1', '\r=1']) {
    assert.equal(neutralise(value), `'${value}`, JSON.stringify(value));
  }
  for (const value of ['Brand', '2024-01-01', ' =x', 'a=b', '']) assert.equal(neutralise(value), value);
});

test('numbers and empty values are written as they are', () => {
  assert.equal(neutralise(-3), '-3');
  assert.equal(neutralise(12.5), '12.5');
  assert.equal(neutralise(null), '');
  assert.equal(neutralise(undefined), '');
});

test('cells are quoted when they hold a comma, quote, line end or edge space, after neutralising', () => {
  assert.equal(csvCell('Clearance, Final'), '"Clearance, Final"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('a\nb'), '"a\nb"');
  assert.equal(csvCell(' pad'), '" pad"');
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
  assert.equal(csvCell('\r=1'), '"\'\r=1"');
});

test('rows end in CRLF', () => {
  assert.equal(toCsv(['a', 'b'], [[1, 'x']]), 'a,b\r\n1,x\r\n');
});

test('the row errors CSV has record, line, column, code, message and the offending value', () => {
  const csv = errorsCsv([{ record: 6, line: 8, column: 'Spend', code: 'NEGATIVE', message: 'record 6 (line 8), column "Spend": "-25.00" is negative', raw: '-25.00' }]);
  assert.deepEqual(ERROR_COLUMNS, ['record', 'line', 'column', 'code', 'message', 'raw']);
  assert.equal(csv, 'record,line,column,code,message,raw\r\n6,8,Spend,NEGATIVE,"record 6 (line 8), column ""Spend"": ""-25.00"" is negative",\'-25.00\r\n');
});

test('the stored records CSV puts unmapped columns after the canonical ones, in first-seen order', () => {
  const csv = recordsCsv([
    { record: 1, line: 2, date: '2024-01-01', campaign: '-Brand', channel: 'g', spend: 1.5, clicks: 2, conversions: null, impressions: null, extra: { Notes: '@x' } },
    { record: 2, line: 3, date: '2024-01-02', campaign: 'B', channel: 'g', spend: 0, clicks: 0, conversions: 1, impressions: 9, extra: { Team: 'a', Notes: 'n' } },
  ]);
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'record,line,date,campaign,channel,spend,clicks,conversions,impressions,Notes,Team');
  assert.equal(lines[1], "1,2,2024-01-01,'-Brand,g,1.5,2,,,'@x,");
  assert.equal(lines[2], '2,3,2024-01-02,B,g,0,0,1,9,n,a');
});

test('every page is fetched by following nextCursor', async () => {
  const pages = { null: { items: [1, 2], nextCursor: 'c2' }, c2: { items: [3], nextCursor: 'c3' }, c3: { items: [], nextCursor: null } };
  const asked = [];
  const counts = [];
  const all = await fetchAll(async (cursor) => { asked.push(cursor); return pages[cursor]; }, (n) => counts.push(n));
  assert.deepEqual(all, [1, 2, 3]);
  assert.deepEqual(asked, [null, 'c2', 'c3']);
  assert.deepEqual(counts, [2, 3, 3]);
});
