import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  previewCsv, parseRecords, detectEncoding, detectDelimiter, headerNames, isUtf8, styleEvidence, notTextReason,
} from '../../js/csv-preview.js';

const sample = (name) => new Uint8Array(readFileSync(new URL(`../../../samplecsv/${name}`, import.meta.url)));
const bytes = (...values) => new Uint8Array(values);
const utf8 = (text) => new TextEncoder().encode(text);

test('a byte-order mark decides the encoding', () => {
  assert.deepEqual(detectEncoding(bytes(0xef, 0xbb, 0xbf, 0x41), true), { encoding: 'UTF-8', bomLength: 3 });
  assert.deepEqual(detectEncoding(bytes(0xff, 0xfe, 0x41, 0), true), { encoding: 'UTF-16LE', bomLength: 2 });
  assert.deepEqual(detectEncoding(bytes(0xfe, 0xff, 0, 0x41), true), { encoding: 'UTF-16BE', bomLength: 2 });
});

test('bytes that are not UTF-8 are read as windows-1252', () => {
  assert.equal(detectEncoding(utf8('Café,Été'), true).encoding, 'UTF-8');
  assert.equal(detectEncoding(bytes(0x43, 0x61, 0x66, 0xe9), true).encoding, 'windows-1252'); // Café in cp1252
  assert.equal(isUtf8(bytes(0xc0, 0x80), true), false, 'overlong NUL');
  assert.equal(isUtf8(bytes(0xed, 0xa0, 0x80), true), false, 'surrogate');
});

test('windows-1252 bytes 0x80-0x9F are the euro sign, dashes and quotes, whatever the runtime', () => {
  const text = previewCsv(bytes(0x41, 0x3b, 0x42, 0x0a, 0x80, 0x20, 0x31, 0x3b, 0x96, 0x93, 0x94, 0xe9, 0x0a)).rows[0].fields;
  assert.deepEqual(text, ['€ 1', '–“”é']);
});

test('a UTF-8 sequence cut by the end of a partial read is still UTF-8, but not at the real end of a file', () => {
  const cut = utf8('Caf\u00e9').subarray(0, 4); // 43 61 66 C3
  assert.equal(isUtf8(cut, false), true);
  assert.equal(isUtf8(cut, true), false);
});

test('the windows-1252 sample: semicolons, CRLF, accented names decoded', () => {
  const preview = previewCsv(sample('eu_semicolon_cp1252.csv'));
  assert.equal(preview.encoding, 'windows-1252');
  assert.equal(preview.delimiter, ';');
  assert.deepEqual(preview.header, ['Date', 'Campaign', 'Channel', 'Spend', 'Clicks', 'Conversions', 'Impressions']);
  assert.deepEqual(preview.rows[1].fields.slice(0, 2), ['01.03.2024', 'Été à Paris']);
  assert.equal(preview.rows[0].line, 2);
});

test('the UTF-16LE sample: tabs, Japanese names, BOM reported', () => {
  const preview = previewCsv(sample('utf16le_tabs.csv'));
  assert.equal(preview.encoding, 'UTF-16LE');
  assert.equal(preview.bom, true);
  assert.equal(preview.delimiter, '\t');
  assert.deepEqual(preview.header, ['Date', 'Campaign', 'Channel', 'Spend', 'Clicks', 'Impressions']);
  assert.equal(preview.rows[0].fields[0], 'Jan 5, 2024');
  assert.match(preview.rows[1].fields[1], /[\u3040-\u30ff\u4e00-\u9fff]/);
});

test('the classic Mac sample: lone CR line ends, pipes, a quoted pipe and an open quote at the end', () => {
  const preview = previewCsv(sample('legacy_mac_pipe.csv'), { rows: 100 });
  assert.equal(preview.delimiter, '|');
  assert.deepEqual(preview.header, ['Week', 'Campaign', 'Network', 'Media cost', 'Purchases']);
  const last = preview.rows.at(-1);
  assert.equal(last.openQuote, true, 'the last record never closes its quote');
  assert.ok(preview.rows.some((r) => r.fields.some((f) => f.includes('|'))), 'a quoted | stays in its field');
});

test('the messy sample: blank lines skipped and counted, wrong field counts flagged', () => {
  const preview = previewCsv(sample('messy.csv'), { rows: 100 });
  assert.deepEqual(preview.rows.slice(0, 4).map((r) => r.line), [2, 3, 5, 6]);
  assert.equal(preview.recordsSeen, 25);
  const mismatched = preview.rows.filter((r) => r.fieldCountMismatch).map((r) => r.line);
  assert.deepEqual(mismatched, [9, 14]);
});

test('quoted fields hold delimiters, doubled quotes and line ends; line numbers count physical lines', () => {
  const records = parseRecords('a,b\r\n"x, y","say ""hi""\r\nthere"\r\nlast,one', ',');
  assert.deepEqual(records.map((r) => r.fields), [['a', 'b'], ['x, y', 'say "hi"\r\nthere'], ['last', 'one']]);
  assert.deepEqual(records.map((r) => r.line), [1, 2, 4]);
  assert.ok(records.every((r) => r.ended));
});

test('the last record of a partial read is marked as not ended', () => {
  const records = parseRecords('a,b\nc,d', ',', { complete: false });
  assert.equal(records[1].ended, false);
});

test('the delimiter with a consistent field count wins over one that only appears in text', () => {
  assert.equal(detectDelimiter('Date;Campaign;Note\n2024-01-01;A;x, y\n2024-01-02;B;z\n', true), ';');
  assert.equal(detectDelimiter('Date|Campaign\n2024-01-01|A\n', true), '|');
  assert.equal(detectDelimiter('single\nvalue\n', true), ',', 'no candidate: comma');
});

test('header names are trimmed, blank ones numbered and repeated ones suffixed, as the server does', () => {
  assert.deepEqual(headerNames([' Date ', '', 'Cost', 'cost', 'Cost', '\ufeffX']),
    ['Date', 'column_2', 'Cost', 'cost_2', 'Cost_3', 'X']);
});

test('number style evidence', () => {
  assert.equal(styleEvidence('1,234.56'), 1);
  assert.equal(styleEvidence('1.234,56'), -1);
  assert.equal(styleEvidence('0,75'), -1);
  assert.equal(styleEvidence('12.5'), 1);
  assert.equal(styleEvidence('1,234'), 0);
  assert.equal(styleEvidence('n/a'), 0);
  assert.equal(previewCsv(sample('eu_semicolon_cp1252.csv')).encoding, 'windows-1252');
});

test('spreadsheets, archives and binary data are named before anything is sent', () => {
  assert.match(notTextReason(bytes(0x50, 0x4b, 3, 4, 0)), /Excel/);
  assert.match(previewCsv(bytes(0x25, 0x50, 0x44, 0x46, 0x2d)).problem, /PDF/);
  assert.match(previewCsv(bytes(0x41, 0, 0x42, 0)).problem, /NUL/);
  assert.match(previewCsv(new Uint8Array(0)).problem, /empty/);
  assert.match(previewCsv(utf8('\n\r\n\n')).problem, /blank lines/);
});

test('a report title and blank padding before the header are skipped, as the server skips them', async () => {
  const { previewCsv, headerIndex, sepLine } = await import('../../js/csv-preview.js');
  const text = 'Campaign report,,,,,\n,,,,,\nDay,Campaign,Channel,Cost,Budget,Clicks\n03/04/2024,Brand,google,1,2,3\n';
  const preview = previewCsv(new TextEncoder().encode(text));
  assert.deepEqual(preview.header, ['Day', 'Campaign', 'Channel', 'Cost', 'Budget', 'Clicks']);
  assert.equal(preview.headerLine, 3);
  assert.deepEqual(preview.preamble, ['Campaign report,,,,,', ',,,,,']);
  assert.equal(preview.rows[0].line, 4);
  const pinned = previewCsv(new TextEncoder().encode(text), { settings: { headerRow: 1 } });
  assert.equal(pinned.headerLine, 1);
  assert.match(previewCsv(new TextEncoder().encode(text), { settings: { headerRow: 9 } }).problem, /line 9/);
  assert.equal(headerIndex([{ fields: ['a', 'b'], ended: true, line: 1 }]), 0);
  assert.deepEqual(sepLine('sep=;\r\na;b'), { delimiter: ';', length: 7 });
  assert.equal(sepLine('sep,a\n'), null);
  const withSep = previewCsv(new TextEncoder().encode('sep=;\na;b\n1;2\n'));
  assert.equal(withSep.delimiter, ';');
  assert.equal(withSep.headerLine, 2);
  assert.equal(withSep.sepLine, true);
});

test('raw datasets keep header names exactly; repeated names skip suffixes the header already has', async () => {
  const { headerNames } = await import('../../js/csv-preview.js');
  assert.deepEqual(headerNames(['id', 'amount', 'amount', '', 'note'], { exact: true }),
    ['id', 'amount', 'amount_2', 'column_4', 'note']);
  assert.deepEqual(headerNames([' Amount ', 'amount', 'amount_2']), ['Amount', 'amount_3', 'amount_2']);
  assert.deepEqual(headerNames([' a ', 'A'], { exact: true }), [' a ', 'A']);
});
