// A stand-in API with fixed answers in the shapes of the publish, analytics and admin contracts, serving web/, so
// the layout of the dataset page, a review run and the admin view can be looked at (screens.mjs) while those
// endpoints are built elsewhere. It proves nothing about the API: the browser tests in infra/local run the real
// stack. Usage: node fixture-server.mjs [PORT]  (prints "listening PORT").
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (email, admin) => `${b64({ alg: 'none' })}.${b64({ sub: `sub-${email.split('@')[0]}`, email,
  'cognito:groups': admin ? ['admin'] : [], exp: Math.floor(Date.now() / 1000) + 3600 })}.x`;

// 60 days × 4 channels × 5 campaigns, one spend spike on Search.
const CHANNELS = ['Search', 'Social', 'Display', 'Video'];
const CAMPAIGNS = ['Brand', 'Spring sale', 'Retargeting', 'Prospecting — lookalike audiences', 'Newsletter'];
const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2024, 2, 1 + i)).toISOString().slice(0, 10));
const rows = [];
let seed = 7;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
days.forEach((date, d) => CHANNELS.forEach((channel, c) => CAMPAIGNS.forEach((campaign, k) => {
  let spend = (20 + c * 15 + k * 6) * (0.8 + rand() * 0.4) * (d % 7 >= 5 ? 0.7 : 1);
  if (channel === 'Search' && date === '2024-04-12') spend *= 4;
  const impressions = Math.round(spend * (40 + rand() * 20));
  const clicks = Math.round(impressions * (0.01 + rand() * 0.03));
  rows.push({ date, channel, campaign, spend: Math.round(spend * 100) / 100, clicks, impressions,
    conversions: Math.round(clicks * (0.02 + rand() * 0.05)) });
})));

const M = (list) => {
  const sum = (k) => list.reduce((a, r) => a + r[k], 0);
  const spend = sum('spend');
  const clicks = sum('clicks');
  const impressions = sum('impressions');
  const conversions = sum('conversions');
  return { rows: list.length, spend: spend.toFixed(2), clicks, impressions, conversions: String(conversions),
    ctr: impressions ? Number((clicks / impressions).toFixed(6)) : null,
    cpc: clicks ? (spend / clicks).toFixed(4) : null, cpa: conversions ? (spend / conversions).toFixed(4) : null,
    conversionRate: clicks ? Number((conversions / clicks).toFixed(6)) : null };
};
function analytics(query) {
  const from = query.get('from') || days[30];
  const to = query.get('to') || days[59];
  const groupBy = query.get('groupBy') || 'day';
  const span = (Date.parse(to) - Date.parse(from)) / 86400000 + 1;
  const prevTo = new Date(Date.parse(from) - 86400000).toISOString().slice(0, 10);
  const prevFrom = new Date(Date.parse(from) - span * 86400000).toISOString().slice(0, 10);
  const group = (list, a, b) => {
    const inRange = list.filter((r) => r.date >= a && r.date <= b);
    const field = groupBy === 'day' ? 'date' : groupBy;
    const keys = groupBy === 'day' ? days.filter((d) => d >= a && d <= b) : [...new Set(inRange.map((r) => r[field]))];
    let groups = keys.map((key) => ({ key, ...M(inRange.filter((r) => r[field] === key)) }));
    if (groupBy === 'campaign') {
      groups.sort((x, y) => Number(y.spend) - Number(x.spend));
      const top = Number(query.get('top') || 10);
      if (groups.length > top) {
        const rest = inRange.filter((r) => !groups.slice(0, top - 1).some((g) => g.key === r.campaign));
        groups = [...groups.slice(0, top - 1), { key: '(other)', other: true, ...M(rest) }];
      }
    }
    return { totals: M(inRange), groups };
  };
  return { from, to, groupBy, ...group(rows, from, to), previous: { from: prevFrom, to: prevTo, ...group(rows, prevFrom, prevTo) } };
}

const dataset = { id: 'ds-spring', name: 'Spring campaigns', kind: 'marketing', default: false, settings: {},
  mapping: { columns: { date: 'Day', campaign: 'Campaign', channel: 'Channel', spend: 'Cost' } },
  publish: 'upsert', publishKey: ['date', 'campaign', 'channel'], review: true };
const counts = { inserted: 1180, updated: 20, unchanged: 0, conflicting: 2, removed: 0 };
const base = { datasetId: dataset.id, datasetKind: 'marketing', owner: 'sub-demo', source: 'upload', contentLength: 98765,
  bytesTotal: 98765, bytesDone: 98765, recordsTotalKnown: true, chunksTotal: 2, chunksDone: 2, chunksDead: 0,
  file: { encoding: 'UTF-8', delimiter: ',', header: ['Day', 'Campaign', 'Channel', 'Cost'], mapping: {} } };
const runs = [
  { ...base, runId: 'run-review', fileName: 'spring-corrections.csv', status: 'REVIEW', final: false, records: 1202,
    stored: 1202, errors: 0, createdAt: '2024-04-30T09:12:00Z', updatedAt: '2024-04-30T09:12:30Z',
    publication: { strategy: 'upsert', state: 'review', counts, publishedAt: null, rolledBackAt: null, rollback: null } },
  { ...base, runId: 'run-published', fileName: 'spring-week-1.csv', status: 'SUCCEEDED', final: true, records: 1200,
    stored: 1200, errors: 0, createdAt: '2024-04-29T08:00:00Z', finishedAt: '2024-04-29T08:00:09Z',
    publication: { strategy: 'upsert', state: 'published', counts: { inserted: 1200, updated: 0, unchanged: 0,
      conflicting: 0, removed: 0 }, publishedAt: '2024-04-29T08:00:09Z', rolledBackAt: null, rollback: null } },
  { ...base, runId: 'run-partial', fileName: 'partner-drop-0429.csv', status: 'PARTIAL', final: true, records: 5000,
    stored: 4000, errors: 1000, chunksDead: 1, owner: 'sub-other', createdAt: '2024-04-29T07:00:00Z',
    deadChunks: [{ chunkNo: 3, firstRecord: 4001, lastRecord: 5000, recordCount: 1000, reason: 'poison' }],
    publication: { strategy: 'upsert', state: 'published', counts: { inserted: 3990, updated: 10, unchanged: 0,
      conflicting: 0, removed: 0 } } },
  { ...base, runId: 'run-stalled', fileName: 'big-export-2024.csv', status: 'LOADING', final: false, records: 90000,
    stored: 41000, errors: 12, stalled: true, stalledReason: 'NO_PROGRESS', owner: 'sub-other',
    createdAt: '2024-04-30T06:00:00Z', publication: null },
];
const review = { runId: 'run-review', strategy: 'upsert', key: ['date', 'campaign', 'channel'], counts,
  samples: {
    inserted: [{ key: ['2024-04-30', 'Brand', 'Search'], new: { date: '2024-04-30', campaign: 'Brand', channel: 'Search',
      spend: '120.50', clicks: 40, impressions: 3000, conversions: '2', extra: {} } }],
    updated: [{ key: ['2024-04-12', 'Brand', 'Search'], old: { date: '2024-04-12', campaign: 'Brand', channel: 'Search',
      spend: '412.00', clicks: 50, impressions: 4100, conversions: '3', extra: {} }, new: { date: '2024-04-12',
      campaign: 'Brand', channel: 'Search', spend: '103.00', clicks: 50, impressions: 4100, conversions: '3', extra: {} } }],
    unchanged: [], removed: [],
    conflicting: [{ key: ['2024-04-20', 'Newsletter', 'Display'], recordNos: [17, 903] }],
  } };

function reply(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  const q = url.searchParams;
  let m;
  if (p === '/api/auth/login') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { username } = JSON.parse(body || '{}');
    return reply(res, 200, { token: token(username, username.startsWith('admin')), user: null });
  }
  if (p.startsWith('/api/')) {
    const claims = JSON.parse(Buffer.from(String(req.headers.authorization || '').split('.')[1] || 'e30', 'base64url'));
    const admin = (claims['cognito:groups'] || []).includes('admin');
    if (p === '/api/me') return reply(res, 200, { sub: claims.sub, email: claims.email, groups: [], admin });
    if (p === '/api/runs') return reply(res, 200, { items: runs.slice(0, 2) });
    if ((m = /^\/api\/runs\/([^/]+)$/.exec(p))) return reply(res, 200, runs.find((r) => r.runId === m[1]) || runs[0]);
    if (/^\/api\/runs\/[^/]+\/(errors|records)$/.test(p)) return reply(res, 200, { items: [], nextCursor: null });
    if (/^\/api\/runs\/[^/]+\/review$/.test(p)) return reply(res, 200, review);
    if ((m = /^\/api\/runs\/([^/]+)\/(publish|discard|rollback|resume|redrive|cancel)$/.exec(p))) {
      const run = runs.find((r) => r.runId === m[1]);
      if (m[2] === 'rollback' && run.status === 'ROLLED_BACK') {
        return reply(res, 409, { error: { code: 'ALREADY_ROLLED_BACK', message: `Run ${run.runId} is rolled back already.` } });
      }
      Object.assign(run, m[2] === 'publish' ? { status: 'SUCCEEDED', final: true, publication: { ...run.publication, state: 'published' } }
        : m[2] === 'rollback' ? { status: 'ROLLED_BACK', publication: { ...run.publication, state: 'rolled_back',
          rollback: { removed: 1190, restored: 10, conflicts: [{ key: ['2024-04-12', 'Brand', 'Search'], laterRunId: 'run-review' }] } } }
          : m[2] === 'cancel' || m[2] === 'discard' ? { status: 'CANCELLED', final: true } : {});
      return reply(res, 200, { ...run, chunksSent: 1 });
    }
    if (p === '/api/datasets') return reply(res, 200, { datasets: [dataset] });
    if (p === `/api/datasets/${dataset.id}`) return reply(res, 200, dataset);
    if (p === `/api/datasets/${dataset.id}/runs`) return reply(res, 200, { runs: runs.slice(0, 2), next: null });
    if (p === `/api/datasets/${dataset.id}/analytics`) return reply(res, 200, analytics(q));
    if (p === `/api/datasets/${dataset.id}/anomalies`) {
      return reply(res, 200, { method: 'median/MAD', window: 28, minHistory: 14, threshold: 3.5, items: [{ date: '2024-04-12',
        channel: 'Search', spend: '412.00', median: '103.10', ratio: 4.0, score: 9.1, direction: 'high',
        explanation: 'Spend on Search was 4.0× its 28-day median (103.10).' }] });
    }
    if (p === `/api/datasets/${dataset.id}/rows`) {
      const list = rows.filter((r) => (!q.get('channel') || r.channel === q.get('channel'))).slice(0, 25);
      return reply(res, 200, { items: list.map((r, i) => ({ runId: 'run-published', recordNo: i + 1,
        key: [r.date, r.campaign, r.channel], ...r, spend: r.spend.toFixed(2), conversions: String(r.conversions),
        extra: { Region: 'EU' } })), nextCursor: 'next' });
    }
    if (p === `/api/datasets/${dataset.id}/compare`) {
      return reply(res, 200, { a: q.get('a'), b: q.get('b'), key: ['date', 'campaign', 'channel'],
        counts: { added: 2, removed: 0, changed: 20, unchanged: 1180 }, nextCursor: null, items: [
          { key: ['2024-04-12', 'Brand', 'Search'], change: 'changed', fields: [{ name: 'spend', old: '412.00', new: '103.00' }] },
          { key: ['2024-04-30', 'Brand', 'Search'], change: 'added', fields: [] }] });
    }
    if (p === '/api/admin/runs') {
      if (!admin) return reply(res, 404, { error: { code: 'NOT_FOUND', message: 'No route' } });
      const status = q.get('status');
      return reply(res, 200, { items: runs.filter((r) => !status || status.split(',').includes(r.status)), nextCursor: null });
    }
    if (p === '/api/health') {
      return reply(res, 200, { status: 'ok', oldestChunkMessageAgeSeconds: 0, checks: { database: { ok: true, millis: 3 },
        objectStore: { ok: true, millis: 8 }, queues: { ok: true, millis: 5 }, runsTable: { ok: true, millis: 4 } } });
    }
    if (p === '/api/stats') {
      return reply(res, 200, { since: '2024-04-29T09:00:00Z', until: '2024-04-30T09:00:00Z', runs: 42,
        runsByStatus: { SUCCEEDED: 35, PARTIAL: 3, FAILED: 2, LOADING: 1, REVIEW: 1 }, records: 1234567, stored: 1230000,
        errors: 4567, errorRate: 0.0037, durationSeconds: { p50: 4.2, p95: 31.5 } });
    }
    return reply(res, 404, { error: { code: 'NOT_FOUND', message: 'No route' } });
  }
  const file = normalize(join(WEB, p === '/' ? 'index.html' : p));
  if (!file.startsWith(WEB)) return reply(res, 404, {});
  try {
    const bytes = await readFile(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
    return res.end(bytes);
  } catch {
    return reply(res, 404, {});
  }
}).listen(Number(process.argv[2] || 0), '127.0.0.1', function listening() {
  console.log(`listening ${this.address().port}`);
});
