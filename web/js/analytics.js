// What the dataset page shows of GET /api/datasets/{id}/analytics, /anomalies, /rows and /compare: KPI tiles with
// their change against the previous period, the series and breakdowns the charts draw, the rows filters as a query.
// Pure: no DOM. Money and decimal sums arrive as exact decimal strings; they are turned into numbers only to draw
// and to compute a change, and shown grouped as the API wrote them.

/** The measures a tile or a chart can show. `better` says which way of change is good news. */
export const METRICS = Object.freeze([
  { key: 'spend', label: 'Spend', kind: 'money', better: null },
  { key: 'clicks', label: 'Clicks', kind: 'count', better: 'up' },
  { key: 'impressions', label: 'Impressions', kind: 'count', better: 'up' },
  { key: 'conversions', label: 'Conversions', kind: 'decimal', better: 'up' },
  { key: 'ctr', label: 'CTR', kind: 'ratio', better: 'up', hint: 'clicks per impression' },
  { key: 'cpc', label: 'CPC', kind: 'money', better: 'down', hint: 'spend per click' },
  { key: 'cpa', label: 'CPA', kind: 'money', better: 'down', hint: 'spend per conversion' },
  { key: 'conversionRate', label: 'Conversion rate', kind: 'ratio', better: 'up', hint: 'conversions per click' },
]);
export const metric = (key) => METRICS.find((m) => m.key === key) || METRICS[0];

/** A metric's value as a number (decimal strings included); null when absent or not a number. */
export function metricNumber(totals, key) {
  const value = totals ? totals[key] : null;
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A value as people read it: money with 2 decimals (4 kept when the API gives them), ratios as percent. */
export function formatMetric(key, value) {
  if (value === null || value === undefined || value === '') return '—';
  const { kind } = metric(key);
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (kind === 'ratio') return `${(n * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
  if (kind === 'money') {
    return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: Math.abs(n) < 10 ? 4 : 2 });
  }
  if (kind === 'decimal') return n.toLocaleString('en-US', { maximumFractionDigits: 4 });
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/**
 * The change from `previous` to `current`: {ratio, text, direction}. No previous value (or the metric undefined
 * then): "no earlier data". From 0 to more than 0: "new". Equal: "no change".
 */
export function changeOf(current, previous) {
  if (current === null || current === undefined) return { ratio: null, text: '—', direction: null };
  if (previous === null || previous === undefined) return { ratio: null, text: 'no earlier data', direction: null };
  if (previous === 0) {
    return current === 0 ? { ratio: 0, text: 'no change', direction: 'flat' }
      : { ratio: null, text: 'new this period', direction: current > 0 ? 'up' : 'down' };
  }
  const ratio = (current - previous) / Math.abs(previous);
  if (Math.abs(ratio) < 0.0005) return { ratio: 0, text: 'no change', direction: 'flat' };
  const percent = Math.abs(ratio * 100).toLocaleString('en-US', { maximumFractionDigits: 1 });
  return { ratio, text: `${ratio > 0 ? '+' : '−'}${percent} %`, direction: ratio > 0 ? 'up' : 'down' };
}

/** One tile per metric: {key, label, hint, text, change, tone ('good'|'bad'|'neutral'), previousText}. */
export function kpiTiles(analytics) {
  const totals = (analytics && analytics.totals) || {};
  const totalsBefore = analytics && analytics.previous ? analytics.previous.totals || null : null;
  // A previous period without rows (before the dataset's first day, or none at all for an empty dataset) is no
  // earlier data: no change to compute and no "Previous period: 0.00" to show.
  const previous = totalsBefore && (totalsBefore.rows ?? 1) > 0 ? totalsBefore : null;
  return METRICS.map((m) => {
    const current = metricNumber(totals, m.key);
    const before = previous ? metricNumber(previous, m.key) : null;
    const change = changeOf(current, before);
    const tone = !m.better || !change.direction || change.direction === 'flat' ? 'neutral'
      : change.direction === m.better ? 'good' : 'bad';
    return {
      key: m.key, label: m.label, hint: m.hint || null, value: current, text: formatMetric(m.key, totals[m.key]),
      change, tone, previousText: previous ? formatMetric(m.key, previous[m.key]) : null,
    };
  });
}

/** "Mar 1 – Mar 31, 2024 compared with Jan 31 – Feb 29, 2024" style words for the period and its previous one. */
export function periodText(analytics) {
  if (!analytics || !analytics.from) return '';
  const main = `${analytics.from} to ${analytics.to}`;
  const prev = analytics.previous && analytics.previous.from
    ? `, compared with ${analytics.previous.from} to ${analytics.previous.to}` : '';
  return main + prev;
}

/**
 * The daily series for the chart from a groupBy=day answer: days (sorted), spend values and the chosen metric's
 * values (null where the metric is undefined, e.g. CPA on a day without conversions).
 */
export function dailySeries(analytics, key = 'clicks') {
  const groups = [...((analytics && analytics.groups) || [])].sort((a, b) => String(a.key).localeCompare(String(b.key)));
  return {
    days: groups.map((g) => String(g.key)),
    spend: groups.map((g) => metricNumber(g, 'spend')),
    metric: groups.map((g) => metricNumber(g, key)),
  };
}

/** Bars for a channel or campaign breakdown: largest first, the "(other)" group last. */
export function breakdownItems(analytics, key = 'spend') {
  const groups = (analytics && analytics.groups) || [];
  const items = groups.map((g) => ({
    label: String(g.key), value: metricNumber(g, key), other: g.other === true || g.key === '(other)',
  }));
  return items.sort((a, b) => (a.other - b.other) || ((b.value ?? -Infinity) - (a.value ?? -Infinity)));
}

/** Chart marks and list entries from GET …/anomalies: one per flagged day and channel, with its sentence. */
export function anomalyMarks(anomalies) {
  return ((anomalies && anomalies.items) || []).map((a) => ({
    date: a.date, channel: a.channel, direction: a.direction,
    label: a.explanation || `Spend on ${a.channel} on ${a.date} was unusual (${a.spend}).`,
  }));
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (s) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))
  && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** Checks a from/to pair typed by a person: {ok} or {ok: false, field, message}. Empty means "whole dataset". */
export function checkRange(from, to) {
  for (const [field, value] of [['from', from], ['to', to]]) {
    if (value && !validDate(value)) {
      return { ok: false, field, message: `“${value}” is not a date; use the form 2024-03-31.` };
    }
  }
  if (from && to && from > to) {
    return { ok: false, field: 'to', message: `The period ends (${to}) before it starts (${from}).` };
  }
  return { ok: true };
}

/**
 * The query string of GET …/rows (and rows.csv) for filters {from, to, channel, campaign, where: {column: value},
 * limit, cursor}: blanks left out; marketing filters only for marketing datasets, column equality only for raw.
 */
export function rowsQuery(filters, kind = 'marketing') {
  const query = new URLSearchParams();
  const put = (name, value) => {
    if (value !== null && value !== undefined && String(value).trim() !== '') query.set(name, String(value).trim());
  };
  if (kind === 'raw') {
    for (const [column, value] of Object.entries(filters.where || {})) {
      if (column.trim()) put(`where.${column.trim()}`, value);
    }
  } else {
    put('from', filters.from);
    put('to', filters.to);
    put('channel', filters.channel);
    put('campaign', filters.campaign);
  }
  put('limit', filters.limit);
  put('cursor', filters.cursor);
  return query.toString();
}

/** The query of GET …/analytics: from/to when given, groupBy, top for campaigns. */
export function analyticsQuery({ from, to }, groupBy, top = null) {
  const query = new URLSearchParams();
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  query.set('groupBy', groupBy);
  if (top) query.set('top', String(top));
  return query.toString();
}

/** The cells of a marketing row as the table shows them. */
export const ROW_COLUMNS = Object.freeze(['Date', 'Campaign', 'Channel', 'Spend', 'Clicks', 'Impressions',
  'Conversions', 'Other columns']);
export function rowCells(row) {
  return [row.date, row.campaign, row.channel, formatMetric('spend', row.spend), formatMetric('clicks', row.clicks),
    formatMetric('impressions', row.impressions), formatMetric('conversions', row.conversions),
    Object.entries(row.extra || {}).map(([k, v]) => `${k}: ${v}`).join('; ')];
}

/** A raw row's columns: the header names in the order the rows give them, first seen first. */
export function rawColumnsOf(rows) {
  const names = [];
  for (const row of rows) for (const key of Object.keys(row.data || {})) if (!names.includes(key)) names.push(key);
  return names;
}

/** "date 2024-03-01 · campaign Brand · channel Search" for a key, with the key's column names when known. */
export function keyText(key, names = []) {
  const values = Array.isArray(key) ? key : [key];
  return values.map((v, i) => (names[i] ? `${names[i]} ${v ?? '∅'}` : String(v ?? '∅'))).join(' · ');
}

const shown = (value) => (value === null || value === undefined || value === '' ? '(empty)' : String(value));

/** One line per change of a compared key: "spend: 12.50 → 13.00", "added", "removed". */
export function changeLines(item) {
  if (item.change === 'added') return ['added in the second run'];
  if (item.change === 'removed') return ['not in the second run'];
  return (item.fields || []).map((f) => `${f.name}: ${shown(f.old)} → ${shown(f.new)}`);
}

/** "3 added · 1 removed · 2 changed · 10 unchanged". */
export function compareCountsText(counts) {
  const c = counts || {};
  return ['added', 'removed', 'changed', 'unchanged'].map((k) => `${(c[k] ?? 0).toLocaleString('en-US')} ${k}`)
    .join(' · ');
}

/**
 * The two runs the compare form selects once its list of runs (ids, newest first) is loaded again: the runs chosen
 * before while both are still listed and differ; else the second newest as the first run and the newest as the
 * second ("what the newer file changed"). When the form was not usable before (fewer than 2 runs: both selects then
 * held the one run there was), the defaults. Null with fewer than 2 runs.
 */
export function compareChoice(runIds, kept, wasComparable) {
  if (runIds.length < 2) return null;
  const listed = (id) => runIds.includes(id);
  const a = listed(kept && kept.a) ? kept.a : runIds[1];
  const b = listed(kept && kept.b) ? kept.b : runIds[0];
  return wasComparable && a !== b ? { a, b } : { a: runIds[1], b: runIds[0] };
}
