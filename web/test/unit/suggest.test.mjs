import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromSuggestResponse, browserSuggestion, fieldNote, conflictText, sourceHeading, mappingSourceText, suggestRequest,
} from '../../js/suggest.js';

const header = ['Tag', 'Kampagne', 'Kanal', 'Kosten', 'Ausgaben'];
const answer = {
  mapping: {
    date: { header: 'Tag', confidence: 0.95, reason: 'German name for date' },
    campaign: { header: 'Kampagne', confidence: 0.9, reason: 'German name for campaign' },
    channel: { header: 'Kanal', confidence: 0.9, reason: 'German name for channel' },
    clicks: { header: 'Nope', confidence: 0.5 },
    spend: { header: 'Tag', confidence: 0.2 },
    colour: { header: 'Kosten' },
  },
  source: 'suggested',
  unmapped: ['Kosten', 'Ausgaben'],
  conflicts: [{ field: 'spend', headers: ['Kosten', 'Ausgaben'] }],
};

test('the answer becomes a mapping of columns the file has, one field per column', () => {
  const model = fromSuggestResponse(answer, header);
  assert.deepEqual(model.mapping, { date: 'Tag', campaign: 'Kampagne', channel: 'Kanal' });
  assert.deepEqual(model.details.date, { confidence: 0.95, reason: 'German name for date' });
  assert.deepEqual(model.unmapped, ['Kosten', 'Ausgaben']);
  assert.deepEqual(model.conflicts, [{ field: 'spend', headers: ['Kosten', 'Ausgaben'] }]);
  assert.equal(model.source, 'suggested');
  assert.equal(model.origin, 'server');
});

test('each field says what was proposed, how sure and why, or that the person changed it', () => {
  const model = fromSuggestResponse(answer, header);
  assert.equal(fieldNote(model, 'date', model.mapping), 'Suggested · 95 % sure · German name for date');
  assert.equal(fieldNote(model, 'date', { ...model.mapping, date: 'Kosten' }), 'Changed by you (Sluice proposed “Tag”)');
  assert.equal(fieldNote(model, 'date', {}), 'Not imported: you cleared “Tag”');
  assert.equal(fieldNote(model, 'spend', model.mapping), 'No matching column found');
  assert.equal(fieldNote(model, 'spend', { spend: 'Kosten' }), 'Chosen by you');
  const saved = fromSuggestResponse({ ...answer, source: 'saved' }, header);
  assert.equal(fieldNote(saved, 'date', saved.mapping), 'Saved mapping from your last import');
  assert.equal(sourceHeading(saved), 'Saved mapping from your last import');
  assert.equal(sourceHeading(model), 'Suggested');
});

test('a conflict says which headers compete and what was chosen', () => {
  const conflict = { field: 'spend', headers: ['Kosten', 'Ausgaben'] };
  assert.equal(conflictText(conflict, {}),
    '“Kosten” and “Ausgaben” could both be spend, so Sluice chose none of them. Pick the right one.');
  assert.equal(conflictText(conflict, { spend: 'Kosten' }),
    '“Kosten” and “Ausgaben” could both be spend; Sluice chose “Kosten”. Check it is the right one.');
  assert.match(conflictText({ field: 'date', headers: ['a', 'b', 'c'] }, {}), /“a”, “b” and “c” could all be date/);
});

test('without the endpoint the browser suggests from the header names', () => {
  const model = browserSuggestion(['Day', 'Campaign', 'Channel', 'Cost', 'Notes']);
  assert.deepEqual(model.mapping, { date: 'Day', campaign: 'Campaign', channel: 'Channel', spend: 'Cost' });
  assert.equal(model.origin, 'browser');
  assert.deepEqual(model.unmapped, ['Notes']);
  assert.equal(fieldNote(model, 'spend', model.mapping), 'Suggested · the column is named “Cost”');
});

test('the request carries the header, the first rows and the dataset', () => {
  const rows = Array.from({ length: 30 }, (_, i) => [String(i)]);
  const body = suggestRequest({ header: ['a'], sampleRows: rows }, 'ds_1');
  assert.equal(body.rows.length, 20);
  assert.equal(body.datasetId, 'ds_1');
  assert.equal('datasetId' in suggestRequest({ header: ['a'], sampleRows: [] }, ''), false);
  assert.equal(mappingSourceText('saved'), 'Saved mapping from your last import into this dataset');
  assert.equal(mappingSourceText('given'), 'Chosen by you for this import');
  assert.equal(mappingSourceText(undefined), null);
});

test('a guess below the confidence an import applies is offered, not chosen', () => {
  const model = fromSuggestResponse({
    mapping: {
      date: { header: 'Tag', confidence: 0.95, reason: 'German name for date' },
      impressions: { header: 'Ausgaben', confidence: 0.3, reason: 'the values are whole numbers' },
    },
    source: 'suggested', conflicts: [],
  }, header);
  assert.deepEqual(model.mapping, { date: 'Tag' });
  assert.equal(fieldNote(model, 'impressions', model.mapping),
    'Maybe “Ausgaben” · 30 % sure · the values are whole numbers: choose it to import it');
  assert.equal(fieldNote(model, 'impressions', { ...model.mapping, impressions: 'Ausgaben' }), 'Chosen by you');
});
