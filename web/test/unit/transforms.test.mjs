import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSteps, entryOf, mappingWithTransforms, previewRequest, hasTransforms } from '../../js/transforms.js';

test('steps split on | outside quotes and parentheses', () => {
  assert.deepEqual(splitSteps("trim | replace('|', '/') | parse_number('de-DE')"),
    ['trim', "replace('|', '/')", "parse_number('de-DE')"]);
  assert.deepEqual(splitSteps('  '), []);
  assert.deepEqual(splitSteps('default(concat(a | b))'), ['default(concat(a | b))']);
});

test('a field is its header, a pipeline on it, or a calculated expression', () => {
  assert.equal(entryOf('Cost', ''), 'Cost');
  assert.deepEqual(entryOf('Cost', 'trim|upper'), { column: 'Cost', transform: ['trim', 'upper'] });
  assert.deepEqual(entryOf(undefined, '= spend * 1.2'), { expression: 'spend * 1.2' });
  assert.equal(entryOf(undefined, 'trim'), undefined, 'a pipeline needs a column');
});

test('the mapping sent with an upload and a preview carries the transformations', () => {
  const mapping = { date: 'Day', campaign: 'Campaign', spend: 'Kosten' };
  const transforms = { spend: "parse_number('de-DE')", conversions: '= clicks / 2' };
  assert.deepEqual(mappingWithTransforms(mapping, transforms), {
    date: 'Day', campaign: 'Campaign', spend: { column: 'Kosten', transform: ["parse_number('de-DE')"] },
    conversions: { expression: 'clicks / 2' },
  });
  assert.equal(hasTransforms({ spend: ' ' }), false);
  assert.equal(hasTransforms(transforms), true);
  const rows = Array.from({ length: 60 }, (_, i) => [String(i)]);
  const body = previewRequest({ header: ['Kosten'], sampleRows: rows }, mapping, transforms, 'ds1');
  assert.equal(body.rows.length, 50, 'the endpoint takes at most 50 rows');
  assert.equal(body.datasetId, 'ds1');
});
