import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeSettings, settingsSummary, readSettingsForm, checkName, deleteConsequence, pickerOrder, pickerLabel,
  settingsOf, kindLabel,
} from '../../js/datasets.js';

test('all-auto settings read as detected, pinned ones are named', () => {
  assert.equal(settingsSummary({ encoding: 'auto', delimiter: 'auto', headerRow: 0 }), 'Everything detected from each file');
  assert.deepEqual(describeSettings({ delimiter: ';', headerRow: 3, dateOrder: 'dmy', decimalStyle: 'comma' }),
    ['Semicolon (;)', 'header on line 3', 'Day/month/year (31/12/2024)', 'Decimal comma (1.234,56)']);
  assert.deepEqual(describeSettings({ encoding: 'windows-1252' }), ['Windows-1252 (Excel on Windows)']);
});

test('the settings form gives the API body, a blank header row meaning auto', () => {
  assert.deepEqual(readSettingsForm({ encoding: '', delimiter: '\t', headerRow: ' ', dateOrder: 'mdy', decimalStyle: 'auto' }),
    { ok: true, value: { encoding: 'auto', delimiter: '\t', headerRow: 0, dateOrder: 'mdy', decimalStyle: 'auto' } });
  assert.equal(readSettingsForm({ headerRow: '4' }).value.headerRow, 4);
  const bad = readSettingsForm({ headerRow: 'three' });
  assert.equal(bad.ok, false);
  assert.equal(bad.field, 'headerRow');
  assert.match(bad.message, /“three”/);
  assert.equal(readSettingsForm({ dateOrder: 'dym' }).field, 'dateOrder');
});

test('names are trimmed and must not be blank', () => {
  assert.deepEqual(checkName('  Spring ads '), { ok: true, value: 'Spring ads' });
  assert.equal(checkName('   ').ok, false);
  assert.equal(checkName('x'.repeat(101)).ok, false);
});

test('the delete confirmation names the dataset and what goes with it', () => {
  assert.equal(deleteConsequence({ name: 'Spring ads', kind: 'marketing' }, 0),
    'Delete the dataset “Spring ads”? It has no imports yet. Its sources and destinations go too (already '
    + 'delivered rows stay in their tables). This cannot be undone.');
  assert.equal(deleteConsequence({ name: 'Spring ads', kind: 'marketing' }, 1),
    'Delete the dataset “Spring ads” with its 1 import, their stored records and row errors, and its published '
    + 'data? Its sources and destinations go too (already delivered rows stay in their tables). This cannot be undone.');
  assert.match(deleteConsequence({ name: 'Logs', kind: 'raw' }, 50, true), /more than 50 imports, their raw records/);
});

test('the picker lists the default dataset first, then by name, and marks raw ones', () => {
  const order = pickerOrder([{ name: 'b' }, { name: 'Default', default: true }, { name: 'A' }]).map((d) => d.name);
  assert.deepEqual(order, ['Default', 'A', 'b']);
  assert.equal(pickerLabel({ name: 'Logs', kind: 'raw' }), 'Logs (raw CSV)');
  assert.equal(pickerLabel({ name: 'Ads', kind: 'marketing' }), 'Ads');
  assert.equal(kindLabel('raw'), 'Raw CSV');
  assert.deepEqual(settingsOf({ settings: { delimiter: ';' } }).delimiter, ';');
  assert.equal(settingsOf({}).headerRow, 0);
});

test('publish settings: only what changed is sent; raw upsert needs a key', async () => {
  const { readPublishForm, publishOf, publishSummary } = await import('../../js/datasets.js');
  const marketing = { kind: 'marketing' };
  assert.deepEqual(publishOf(marketing), { strategy: 'append', key: [], review: false });
  assert.deepEqual(readPublishForm({ strategy: 'append', key: '', review: false }, marketing), { ok: true, value: {} });
  assert.deepEqual(readPublishForm({ strategy: 'upsert', key: ' date, campaign ,channel', review: true }, marketing),
    { ok: true, value: { publish: 'upsert', publishKey: ['date', 'campaign', 'channel'], review: true } });
  const raw = { kind: 'raw', publish: 'upsert', publishKey: ['id'], review: true };
  assert.deepEqual(readPublishForm({ strategy: 'upsert', key: 'id', review: true }, raw), { ok: true, value: {} });
  assert.equal(readPublishForm({ strategy: 'upsert', key: '', review: false }, { kind: 'raw' }).field, 'key');
  assert.equal(readPublishForm({ strategy: 'upsert', key: 'id,id' }, { kind: 'raw' }).field, 'key');
  assert.equal(readPublishForm({ strategy: 'merge' }, marketing).field, 'strategy');
  assert.equal(publishSummary({ kind: 'marketing', publish: 'upsert' }),
    'Upsert by key (date, campaign, channel) · published automatically');
  assert.equal(publishSummary(raw), 'Upsert by key (id) · review before publishing');
});
