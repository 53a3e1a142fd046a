import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeHeader, suggestMapping, missingRequired, assignColumn, autoMappedDespiteChoice } from '../../js/mapping.js';

test('names compare without case, punctuation, spaces or a parenthesized suffix', () => {
  assert.equal(normalizeHeader(' Amount spent (USD) '), 'amountspent');
  assert.equal(normalizeHeader('Impr.'), 'impr');
  assert.equal(normalizeHeader('Source / medium'), 'sourcemedium');
  assert.equal(normalizeHeader('Coût'), 'cout', 'accents do not matter, as on the server');
  assert.equal(normalizeHeader('(x)'), 'x', 'a name that is only a parenthesized part keeps it');
});

test('the sample exports are mapped from their own header names', () => {
  assert.deepEqual(suggestMapping(['Day', 'Campaign', 'Channel', 'Cost', 'Clicks', 'Impr.', 'Conversions']), {
    date: 'Day', campaign: 'Campaign', channel: 'Channel', spend: 'Cost', clicks: 'Clicks', conversions: 'Conversions', impressions: 'Impr.',
  });
  assert.deepEqual(suggestMapping(['Reporting starts', 'Reporting ends', 'Campaign name', 'Platform', 'Amount spent (USD)', 'Link clicks', 'Results', 'Impressions']), {
    date: 'Reporting starts', campaign: 'Campaign name', channel: 'Platform', spend: 'Amount spent (USD)', clicks: 'Link clicks', conversions: 'Results', impressions: 'Impressions',
  });
  assert.deepEqual(suggestMapping(['Week', 'Campaign', 'Network', 'Media cost', 'Purchases']), {
    date: 'Week', campaign: 'Campaign', channel: 'Network', spend: 'Media cost', conversions: 'Purchases',
  });
});

test('exports in German, French, Spanish, Italian, Dutch and Portuguese are mapped by their names', () => {
  assert.deepEqual(suggestMapping(['Tag', 'Kampagne', 'Kanal', 'Kosten', 'Klicks', 'Impr.', 'Conversions']), {
    date: 'Tag', campaign: 'Kampagne', channel: 'Kanal', spend: 'Kosten', clicks: 'Klicks', impressions: 'Impr.', conversions: 'Conversions',
  });
  assert.deepEqual(suggestMapping(['Début des rapports', 'Nom de la campagne', 'Plateforme', 'Montant dépensé (EUR)']), {
    date: 'Début des rapports', campaign: 'Nom de la campagne', channel: 'Plateforme', spend: 'Montant dépensé (EUR)',
  });
  assert.deepEqual(suggestMapping(['FECHA', 'CAMPANA', 'Red', 'Coste']), { date: 'FECHA', campaign: 'CAMPANA', channel: 'Red', spend: 'Coste' });
  assert.equal(suggestMapping(['Costo']).spend, 'Costo');
  assert.equal(suggestMapping(['Vertoningen']).impressions, 'Vertoningen');
  assert.equal(suggestMapping(['Impressoes']).impressions, 'Impressoes');
});

test('synonyms are tried in order: Channel beats Source whatever the column order', () => {
  assert.equal(suggestMapping(['Source', 'Channel']).channel, 'Channel');
  assert.equal(suggestMapping(['Medium', 'Source']).channel, 'Source');
});

test('unknown names are left unmapped, and missing required fields are listed in field order', () => {
  const mapping = suggestMapping(['Date', 'Campaign', 'Spend', 'Clicks', 'Impressions']);
  assert.equal(mapping.channel, undefined);
  assert.deepEqual(missingRequired(mapping), ['channel']);
  assert.deepEqual(missingRequired({}), ['date', 'campaign', 'channel']);
});

test('a column feeds one field: choosing it for another takes it away from the first', () => {
  const { mapping, displaced } = assignColumn({ date: 'Date', campaign: 'Campaign' }, 'channel', 'Campaign');
  assert.deepEqual(mapping, { date: 'Date', channel: 'Campaign' });
  assert.deepEqual(displaced, ['campaign']);
  assert.deepEqual(assignColumn(mapping, 'date', '').mapping, { channel: 'Campaign' });
});

test('a recognised column the person left out is named, because the server maps it anyway', () => {
  const header = ['Date', 'Campaign', 'Channel', 'Cost'];
  assert.deepEqual(autoMappedDespiteChoice(header, { date: 'Date', campaign: 'Campaign', channel: 'Channel' }), ['spend']);
  assert.deepEqual(autoMappedDespiteChoice(header, { date: 'Date', campaign: 'Campaign', channel: 'Cost' }), [],
    'the column feeds another field instead');
});
