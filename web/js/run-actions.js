// Which actions a run offers and what each means, in words: publish or discard a run in review, roll back a
// published one, resume a stalled load, redrive dead chunks, cancel a run that is not final. Pure: no DOM.
// The calls are POST /api/runs/{id}/publish|discard|rollback|resume|redrive|cancel.

const PUBLISHED_STATES = new Set(['SUCCEEDED', 'PARTIAL']);
/** Not final, and still something a cancel can stop (a run in review is discarded instead; publishing is short). */
const CANCELLABLE = new Set(['CREATED', 'RECEIVED', 'SPLITTING', 'LOADING']);

const count = (n, one, many = `${one}s`) => `${Number(n || 0).toLocaleString('en-US')} ${Number(n) === 1 ? one : many}`;
const name = (run) => `“${run.fileName || run.runId}”`;

/** The run's publication block, or null when the run was never published. */
export const publicationOf = (run) => (run && run.publication && run.publication.state ? run.publication : null);

/** True when the run's rows are in its dataset now (and so can be rolled back). */
export function isPublished(run) {
  const publication = publicationOf(run);
  return PUBLISHED_STATES.has(run.status) && Boolean(publication) && publication.state === 'published';
}

/**
 * The actions of a run, in the order shown: [{action, label, tone, confirm}]. `confirm` asks first (the
 * consequences are in confirmation()). A run whose upload this page is still sending has none.
 */
export function runActions(run) {
  if (!run || !run.runId || (run.failure && run.failure.local)) return [];
  const actions = [];
  if (run.status === 'REVIEW') {
    actions.push({ action: 'publish', label: 'Publish', tone: 'primary', confirm: false });
    actions.push({ action: 'discard', label: 'Discard…', tone: 'secondary', confirm: true });
  }
  if (isPublished(run)) actions.push({ action: 'rollback', label: 'Roll back…', tone: 'secondary', confirm: true });
  if (run.status === 'LOADING' && run.stalled) {
    actions.push({ action: 'resume', label: 'Resume', tone: 'secondary', confirm: false });
  }
  if (run.status === 'PARTIAL' && (run.chunksDead || 0) > 0 && !(run.failure && run.failure.code === 'FILE_CHANGED')) {
    actions.push({ action: 'redrive', label: 'Redrive dead chunks', tone: 'secondary', confirm: false });
  }
  if (CANCELLABLE.has(run.status)) actions.push({ action: 'cancel', label: 'Cancel run…', tone: 'ghost', confirm: true });
  return actions;
}

/** The words of the confirm dialog: {title, text, confirmLabel}. */
export function confirmation(action, run) {
  const publication = publicationOf(run) || {};
  const counts = publication.counts || {};
  if (action === 'rollback') {
    const what = [];
    if (counts.inserted) what.push(`the ${count(counts.inserted, 'row')} it added are removed`);
    if (counts.updated) what.push(`the ${count(counts.updated, 'row')} it changed get their earlier values back`);
    if (counts.removed) what.push(`the ${count(counts.removed, 'row')} it replaced come back`);
    const effect = what.length ? `${what.join(', ')}.` : 'its rows are taken out of the dataset.';
    return {
      title: `Roll back ${name(run)}?`,
      text: `The dataset goes back to what it would be without this run: ${effect} Rows that a later run changed `
        + 'again, or published too with the same values, stay as that later run left them; they are listed as '
        + 'conflicts afterwards. The run ends '
        + '“Rolled back” and cannot be published again; import the file again to bring its rows back.',
      confirmLabel: 'Roll back',
    };
  }
  if (action === 'discard') {
    return {
      title: `Discard ${name(run)}?`,
      text: 'Nothing of this run is published into the dataset; its loaded records stay with the run, unpublished. '
        + 'The run ends “Cancelled” (discarded) and cannot be published later.',
      confirmLabel: 'Discard',
    };
  }
  if (action === 'cancel') {
    return {
      title: `Cancel ${name(run)}?`,
      text: 'No further chunks of the file are loaded. Records stored so far stay with the run but are not '
        + 'published into the dataset. The run ends “Cancelled”; import the file again to load everything.',
      confirmLabel: 'Cancel run',
    };
  }
  return { title: `${action} ${name(run)}?`, text: '', confirmLabel: action };
}

/** What the page says after an action succeeded (announced, and shown under the buttons). */
export function doneText(action, run, answer = {}) {
  switch (action) {
    case 'publish': return `${name(run)} is being published into its dataset.`;
    case 'discard': return `${name(run)} was discarded; nothing was published.`;
    case 'rollback': return rollbackText(publicationOf(answer)) || `${name(run)} was rolled back.`;
    case 'resume': return `Resumed: ${count(answer.chunksSent, 'chunk')} sent again.`;
    case 'redrive': return `Redrive started: ${count(answer.chunksSent, 'dead chunk')} sent again.`;
    case 'cancel': return `${name(run)} was cancelled.`;
    default: return 'Done.';
  }
}

const VERBS = { publish: 'publish', discard: 'discard', rollback: 'roll back', resume: 'resume', redrive: 'redrive',
  cancel: 'cancel' };

/** A failed action as a sentence: what could not be done, then the server's own message (never a stack trace). */
export function failureText(action, run, error) {
  const message = error && error.message ? error.message : 'The server gave no reason.';
  return `Could not ${VERBS[action] || action} ${name(run)}: ${message}`;
}

const COUNT_ORDER = ['inserted', 'updated', 'unchanged', 'conflicting', 'removed'];
const COUNT_WORDS = {
  inserted: 'new', updated: 'updated', unchanged: 'unchanged', conflicting: 'conflicting', removed: 'removed',
};

/** [{key, label, value}] in a fixed order, for review and publication counts. */
export function countList(counts) {
  return COUNT_ORDER.filter((k) => counts && counts[k] !== undefined && counts[k] !== null)
    .map((k) => ({ key: k, label: COUNT_WORDS[k], value: counts[k] }));
}

/** "12 new · 3 updated · 1 unchanged …" */
export function countsText(counts) {
  const list = countList(counts);
  return list.length ? list.map((c) => `${Number(c.value).toLocaleString('en-US')} ${c.label}`).join(' · ') : '';
}

/** What a publication block says in one line, or null. */
export function publicationText(publication) {
  if (!publication || !publication.state) return null;
  const strategy = publication.strategy ? ` (${publication.strategy})` : '';
  switch (publication.state) {
    case 'review': return `Waiting for review${strategy}: ${countsText(publication.counts) || 'counting…'}`;
    case 'publishing': return `Publishing into the dataset${strategy}…`;
    case 'published': return `Published${strategy}: ${countsText(publication.counts)}`;
    case 'discarded': return 'Discarded in review: nothing was published.';
    case 'rolled_back': return rollbackText(publication);
    default: return null;
  }
}

/** "Rolled back: 12 rows removed, 3 restored; 1 conflict left to a later run." */
export function rollbackText(publication) {
  if (!publication || !publication.rollback) return publication && publication.state === 'rolled_back' ? 'Rolled back.' : null;
  const { removed = 0, restored = 0, conflicts = [] } = publication.rollback;
  const conflictWords = conflicts.length
    ? `; ${count(conflicts.length, 'conflict')} left to ${conflicts.length === 1 ? 'a later run' : 'later runs'}` : '';
  return `Rolled back: ${count(removed, 'row')} removed, ${restored.toLocaleString('en-US')} restored${conflictWords}.`;
}

const MARKETING_FIELDS = ['date', 'campaign', 'channel', 'spend', 'clicks', 'impressions', 'conversions'];

/** A ROW (marketing or raw) as flat name → text pairs: the canonical fields, then extra or data columns. */
export function flatRow(row) {
  if (!row) return {};
  if (row.data && typeof row.data === 'object') {
    return Object.fromEntries(Object.entries(row.data).map(([k, v]) => [k, v === null ? null : String(v)]));
  }
  const flat = {};
  for (const field of MARKETING_FIELDS) if (field in row) flat[field] = row[field] === null ? null : String(row[field]);
  for (const [k, v] of Object.entries(row.extra || {})) flat[k] = v === null ? null : String(v);
  return flat;
}

/** The fields that differ between two versions of a row: [{name, old, new}] (decimals compared as numbers). */
export function rowDiff(before, after) {
  const a = flatRow(before);
  const b = flatRow(after);
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const same = (x, y) => x === y || (x !== null && y !== null && x !== undefined && y !== undefined
    && /^-?\d+(\.\d+)?$/.test(x) && /^-?\d+(\.\d+)?$/.test(y) && Number(x) === Number(y));
  return names.filter((n) => !same(a[n] ?? null, b[n] ?? null)).map((n) => ({ name: n, old: a[n] ?? null, new: b[n] ?? null }));
}

/** "spend 12.50 · clicks 3 · …": a row's values in one line (empty values left out). */
export function rowSummary(row) {
  return Object.entries(flatRow(row)).filter(([, v]) => v !== null && v !== '').map(([k, v]) => `${k} ${v}`).join(' · ');
}

/** The sample lines of a review answer per kind: [{kind, label, items: [{key, text}]}], kinds without samples left out. */
export function reviewSamples(review) {
  const samples = (review && review.samples) || {};
  const shown = (v) => (v === null || v === undefined ? '(empty)' : v);
  const kinds = [
    ['inserted', 'New rows', (s) => rowSummary(s.new)],
    ['updated', 'Updated rows', (s) => rowDiff(s.old, s.new).map((d) => `${d.name}: ${shown(d.old)} → ${shown(d.new)}`)
      .join('; ') || 'same values'],
    ['unchanged', 'Unchanged rows', (s) => rowSummary(s.new)],
    ['conflicting', 'Conflicting records (same key; the last one wins)',
      (s) => `records ${(s.recordNos || []).join(', ')}`],
    ['removed', 'Rows removed (replace)', (s) => rowSummary(s.old)],
  ];
  return kinds.filter(([kind]) => (samples[kind] || []).length).map(([kind, label, text]) => ({
    kind, label, items: samples[kind].map((s) => ({ key: (s.key || []).map((k) => shown(k)).join(' · '), text: text(s) })),
  }));
}
