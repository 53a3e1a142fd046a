import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseColumns, proposeSource, deliveryText, testText, canResend } from '../../js/destinations.js';

test('column lines become the API columns object, in order', () => {
  assert.deepEqual(parseColumns('day = date\n campaign: campaign \n\nspend_usd=spend'),
    { day: 'date', campaign: 'campaign', spend_usd: 'spend' });
  assert.deepEqual(Object.keys(parseColumns('b=x\na=y')), ['b', 'a']);
});

test('a malformed or repeated column line names the line', () => {
  assert.throws(() => parseColumns('day date'), /Line 1 \(“day date”\)/);
  assert.throws(() => parseColumns('day = date\nday = spend'), /“day” is mapped twice/);
  assert.throws(() => parseColumns('  \n'), /at least one column/);
});

test('a target column is proposed the canonical field of its name', () => {
  assert.equal(proposeSource('Spend'), 'spend');
  assert.equal(proposeSource('day'), 'date');
  assert.equal(proposeSource('region'), '');
  assert.equal(proposeSource('Region', ['Region']), 'Region');
});

test('a delivery and a test answer read as sentences', () => {
  assert.equal(deliveryText({ status: 'delivered', rows: 1, attempts: 1, deliveredAt: null }), 'Delivered · 1 row');
  assert.equal(deliveryText({ status: 'failed', rows: null, attempts: 3 }), 'Failed · 3 attempts');
  assert.equal(testText({ ok: true }), 'Connection works: Sluice can deliver to this table.');
  assert.equal(testText({ ok: false, code: 'AUTH_FAILED', message: 'refused user' }), 'AUTH_FAILED: refused user');
});

test('a delivery skipped because its import was rolled back says so and offers no resend', () => {
  const skipped = { status: 'skipped', rows: null, attempts: 1, deliveredAt: null,
    error: 'RUN_ROLLED_BACK: run r1 was rolled back before it was delivered; nothing was sent' };
  assert.equal(deliveryText(skipped), 'Not sent: the import was rolled back before it was delivered');
  assert.equal(canResend(skipped), false);
  assert.equal(canResend({ status: 'delivered' }), false);
  assert.equal(canResend({ status: 'failed' }), true);
  assert.equal(canResend({ status: 'pending' }), true);
});
