// The admin view's logic: the filters of GET /api/admin/runs as a query, whether a live run still matches them,
// and the health and stats strip from GET /api/health and /api/stats in words. Pure: no DOM.

export const ADMIN_STATUSES = Object.freeze(['CREATED', 'SPLITTING', 'LOADING', 'REVIEW', 'PUBLISHING', 'SUCCEEDED',
  'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED', 'EXPIRED', 'ROLLED_BACK']);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Filters {statuses: [], owner, dataset, dead, stalled, from, to (YYYY-MM-DD, whole days in UTC), limit, cursor}
 * as the query of GET /api/admin/runs; {ok: false, field, message} when a date is not one.
 */
export function adminQuery(filters) {
  const query = new URLSearchParams();
  const statuses = (filters.statuses || []).filter((s) => ADMIN_STATUSES.includes(s));
  if (statuses.length) query.set('status', statuses.join(','));
  for (const name of ['owner', 'dataset']) {
    const value = String(filters[name] || '').trim();
    if (value) query.set(name, value);
  }
  if (filters.dead) query.set('dead', 'true');
  if (filters.stalled) query.set('stalled', 'true');
  for (const [name, suffix] of [['from', 'T00:00:00Z'], ['to', 'T23:59:59.999Z']]) {
    const value = String(filters[name] || '').trim();
    if (!value) continue;
    if (!DATE.test(value) || Number.isNaN(Date.parse(value + suffix))) {
      return { ok: false, field: name, message: `“${value}” is not a date; use the form 2024-03-31.` };
    }
    query.set(name, value + suffix);
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    return { ok: false, field: 'to', message: `The range ends (${filters.to}) before it starts (${filters.from}).` };
  }
  if (filters.limit) query.set('limit', String(filters.limit));
  if (filters.cursor) query.set('cursor', filters.cursor);
  return { ok: true, query: query.toString() };
}

/** Whether a run (as GET /api/runs/{id} shows it) belongs in the list under these filters. */
export function matchesFilters(run, filters) {
  const statuses = filters.statuses || [];
  if (statuses.length && !statuses.includes(run.status)) return false;
  const owner = String(filters.owner || '').trim();
  if (owner && run.owner !== owner) return false;
  const dataset = String(filters.dataset || '').trim();
  if (dataset && run.datasetId !== dataset) return false;
  if (filters.dead && !((run.chunksDead || 0) > 0)) return false;
  if (filters.stalled && !run.stalled) return false;
  const created = String(run.createdAt || '');
  if (filters.from && created && created < `${filters.from}T00:00:00`) return false;
  if (filters.to && created && created > `${filters.to}T23:59:59.999Z`) return false;
  return true;
}

const CHECK_LABELS = {
  database: 'Database', objectStore: 'Object store', queues: 'Queues', runsTable: 'Runs table',
  chunkQueue: 'Chunk queue', ingestQueue: 'Ingest queue', chunkDlq: 'Dead-letter queue',
};
export const checkLabel = (name) => CHECK_LABELS[name]
  || String(name).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/**
 * GET /api/health (200 or 503 body) as {status: 'ok'|'down'|'unknown', text, checks: [{name, label, ok, text}]}.
 */
export function healthSummary(health) {
  if (!health || typeof health !== 'object') {
    return { status: 'unknown', text: 'Health unknown: /api/health did not answer.', checks: [] };
  }
  const checks = Object.entries(health.checks || {}).map(([name, check]) => ({
    name, label: checkLabel(name), ok: check.ok === true,
    text: check.ok ? (typeof check.millis === 'number' ? `${check.millis} ms` : 'ok') : (check.message || 'down'),
  }));
  const down = health.down || checks.filter((c) => !c.ok).map((c) => c.name);
  const age = typeof health.oldestChunkMessageAgeSeconds === 'number'
    ? ` Oldest chunk message: ${health.oldestChunkMessageAgeSeconds.toLocaleString('en-US')} s.` : '';
  const status = health.status === 'ok' ? 'ok' : 'down';
  const text = status === 'ok' ? `All systems reachable.${age}`
    : `Down: ${down.map(checkLabel).join(', ') || 'unknown'}.${age}`;
  return { status, text, checks };
}

/** GET /api/stats as tiles [{key, label, text}] and a one-line period. */
export function statsTiles(stats) {
  if (!stats || typeof stats !== 'object') return { period: '', tiles: [] };
  const n = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : '—');
  const seconds = (v) => (typeof v === 'number' ? `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} s` : '—');
  const byStatus = stats.runsByStatus || {};
  const tiles = [
    { key: 'runs', label: 'Runs (24 h)', text: n(stats.runs) },
    { key: 'succeeded', label: 'Succeeded', text: n(byStatus.SUCCEEDED || 0) },
    { key: 'partial', label: 'Partial', text: n(byStatus.PARTIAL || 0) },
    { key: 'failed', label: 'Failed', text: n(byStatus.FAILED || 0) },
    { key: 'records', label: 'Records', text: n(stats.records) },
    { key: 'errorRate', label: 'Error rate', text: typeof stats.errorRate === 'number'
      ? `${(stats.errorRate * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %` : '—' },
    { key: 'p50', label: 'p50 duration', text: seconds(stats.durationSeconds && stats.durationSeconds.p50) },
    { key: 'p95', label: 'p95 duration', text: seconds(stats.durationSeconds && stats.durationSeconds.p95) },
  ];
  const capped = stats.capped ? ' (capped: not every run was read)' : '';
  const period = stats.since ? `Runs created since ${stats.since}${capped}` : '';
  return { period, tiles };
}
