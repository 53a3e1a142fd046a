import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decode, detectEncoding, parseRecords } from '../../js/csv-preview.js';

// The CSV cases every tokenizer in Sluice must agree on (CsvSpecTest runs them against the Java ones): the
// browser's preview parser reads them alike, so what the preview shows is what the import will load.
const spec = JSON.parse(readFileSync(
  new URL('../../../functions/src/test/resources/csv-cases.json', import.meta.url), 'utf8'));

const expected = (records) => records.map((r) => ({
  fields: r.fields, line: r.line, openQuote: (r.openQuoteLine ?? 0) > 0,
}));
const actual = (records) => records.map((r) => ({ fields: r.fields, line: r.line, openQuote: r.openQuote }));

for (const c of spec.cases) {
  test(`csv case: ${c.name}`, () => {
    assert.equal(c.quote, '"', 'the preview knows one quote character');
    let text = c.input;
    if (c.bom) {
      const body = new TextEncoder().encode(c.input);
      const file = new Uint8Array([0xef, 0xbb, 0xbf, ...body]);
      const { encoding, bomLength } = detectEncoding(file, true);
      text = decode(file, encoding, bomLength);
    }
    assert.deepEqual(actual(parseRecords(text, c.delimiter)), expected(c.records));
  });
}

test('the spec file holds its cases', () => {
  assert.ok(spec.cases.length >= 30, `${spec.cases.length} cases`);
});
