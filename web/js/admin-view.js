// The admin view: a health and stats strip, every user's runs with filters (GET /api/admin/runs), kept live over
// the WebSocket scope "all", with the same run actions as a run card. Only shown when GET /api/me says admin.
import { $, el } from './dom.js';
import { ADMIN_STATUSES, adminQuery, matchesFilters, healthSummary, statsTiles } from './admin.js';
import { runControls, controlsKey } from './run-controls.js';
import { doneText } from './run-actions.js';
import { statusLabel, formatCount, formatTime } from './format.js';

const PAGE = 50;
const TONES = { SUCCEEDED: 'good', PARTIAL: 'warn', FAILED: 'bad', DUPLICATE: 'muted', CANCELLED: 'muted',
  EXPIRED: 'muted', ROLLED_BACK: 'muted' };

/** While the socket is down: rows of runs still moving are read every poll, the first page every this often. */
const PAGE_POLL_MS = 5000;
const STRIP_POLL_MS = 30000;
const MOVING_ROWS = 20;
const FINAL = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED', 'EXPIRED', 'ROLLED_BACK']);

/**
 * Renders into `root`. deps: {api, live, announce, onRun(run, action)}. Returns {update(run) for a run as the API
 * shows it, message(socket message), poll() while the socket is down, catchUp() once it is back, dispose}.
 */
export function adminView(root, { api, live, announce, onRun }) {
  const health = el('div', { class: 'health-strip', id: 'health-strip', role: 'status' });
  const stats = el('div', { class: 'stats-strip', id: 'stats-strip' });
  const statusBoxes = ADMIN_STATUSES.map((s) => el('label', { class: 'status-choice' },
    el('input', { type: 'checkbox', name: 'status', value: s }), ` ${statusLabel(s)}`));
  const input = (name, label, type = 'text', hint = null) => el('div', { class: 'field' },
    el('label', { for: `admin-${name}`, text: label }),
    el('input', { type, id: `admin-${name}`, name, autocomplete: 'off', placeholder: hint }));
  const check = (name, label) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', id: `admin-${name}`, name }), ` ${label}`);
  const error = el('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = el('form', { class: 'admin-filters', id: 'admin-filters', novalidate: true },
    el('fieldset', { class: 'plain status-set' }, el('legend', { text: 'Status' }),
      el('div', { class: 'status-choices' }, ...statusBoxes)),
    el('div', { class: 'admin-fields' },
      input('owner', 'Owner', 'text', 'user id'), input('dataset', 'Dataset', 'text', 'dataset id'),
      input('from', 'Created from', 'date'), input('to', 'Created to', 'date')),
    el('div', { class: 'admin-checks' }, check('dead', 'With dead chunks'), check('stalled', 'Stalled')),
    el('div', { class: 'period-buttons' },
      el('button', { type: 'submit', class: 'button primary compact', text: 'Apply filters' }),
      el('button', { type: 'reset', class: 'button ghost compact', text: 'Clear' })));
  const list = el('tbody');
  const count = el('p', { class: 'muted small', id: 'admin-count', role: 'status' });
  const more = el('button', { type: 'button', class: 'button ghost compact', id: 'admin-more', text: 'Show more runs',
    hidden: true });
  root.replaceChildren(el('div', { class: 'detail' },
    el('a', { href: '#/', class: 'back', text: '← Your runs' }),
    el('div', { class: 'panel-head' }, el('h1', { tabindex: '-1', id: 'admin-title', text: 'All runs' }),
      el('p', { class: 'lede', text: 'Every user\'s imports, live. Filter them, and resume, redrive, cancel, publish '
        + 'or roll back where a run needs it.' })),
    el('section', { class: 'card ops-card', 'aria-labelledby': 'ops-h' },
      el('h2', { id: 'ops-h', text: 'Health and the last 24 hours' }), health, stats),
    el('section', { class: 'card table-card', 'aria-labelledby': 'admin-runs-h' },
      el('h2', { id: 'admin-runs-h', text: 'Runs' }), form, error, count,
      el('p', { class: 'scroll-hint muted small', 'aria-hidden': 'true', text: 'Scroll the table sideways for more →' }),
      el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'admin-runs-h' },
        el('table', { class: 'data-table admin-table' },
          el('caption', { class: 'visually-hidden', text: 'Runs of every user, newest first' }),
          el('thead', {}, el('tr', {}, ...['File', 'Status', 'Owner', 'Dataset', 'Records', 'Stored', 'Rejected',
            'Dead', 'Created'].map((h) => el('th', { scope: 'col', text: h })))),
          list)),
      more)));

  const state = { filters: {}, cursor: null, rows: new Map(), disposed: false };
  // The outcome of the last action per run, kept across the row's rebuild with the answer.
  const notes = new Map();
  const acted = (answer, action) => {
    notes.set(answer.runId, doneText(action, state.rows.get(answer.runId)?.run || answer, answer));
    onRun(answer, action);
  };
  const filtersOf = () => ({
    statuses: statusBoxes.map((l) => $('input', l)).filter((i) => i.checked).map((i) => i.value),
    owner: $('#admin-owner', form).value, dataset: $('#admin-dataset', form).value,
    from: $('#admin-from', form).value, to: $('#admin-to', form).value,
    dead: $('#admin-dead', form).checked, stalled: $('#admin-stalled', form).checked,
  });

  const row = (run) => {
    const tr = el('tr', { 'data-run-id': run.runId, 'data-status': run.status },
      el('th', { scope: 'row', class: 'run-cell' },
        el('div', {}, el('a', { href: `#/runs/${run.runId}`, text: run.fileName || run.runId }),
          run.stalled ? el('span', { class: 'badge', 'data-tone': 'warn', text: 'stalled' }) : null),
        runControls(run, { api, announce, onRun: acted, compact: true, note: notes.get(run.runId) })),
      el('td', {}, el('span', { class: 'badge', 'data-tone': TONES[run.status] || 'busy', text: statusLabel(run.status) })),
      el('td', { class: 'owner', text: run.owner || '' }),
      el('td', { class: 'dataset', text: run.datasetId || '' }),
      el('td', { text: formatCount(run.records) }),
      el('td', { text: formatCount(run.stored) }),
      el('td', { text: formatCount(run.errors) }),
      el('td', { text: formatCount(run.chunksDead || 0) }),
      el('td', { text: formatTime(run.createdAt) }));
    tr.dataset.controls = controlsKey(run);
    return tr;
  };

  /** listed: the server's page (its filter is the truth); else a live run, shown while it matches the filters. */
  const put = (run, { prepend = false, listed = false } = {}) => {
    const existing = state.rows.get(run.runId);
    if (!listed && !matchesFilters(run, state.filters)) {
      // A live run that no longer matches stays until the next load, so it does not vanish under the pointer.
      if (!existing) return;
    }
    const hadFocus = existing && existing.node.contains(document.activeElement);
    const node = row(run);
    state.rows.set(run.runId, { run, node });
    if (existing) existing.node.replaceWith(node);
    else if (prepend) list.prepend(node);
    else list.append(node);
    if (hadFocus) $('a', node).focus();
  };

  const load = async (append = false) => {
    const query = adminQuery({ ...state.filters, limit: PAGE, cursor: append ? state.cursor : null });
    if (!query.ok) {
      error.textContent = query.message;
      error.hidden = false;
      $(`#admin-${query.field}`, form).focus();
      return;
    }
    let page;
    try {
      page = await api.adminRuns(query.query);
    } catch (problem) {
      error.textContent = `The runs could not be loaded: ${problem.message}`;
      error.hidden = false;
      return;
    }
    if (state.disposed) return;
    if (!append) {
      list.replaceChildren();
      state.rows.clear();
    }
    for (const run of page.items || []) put(run, { listed: true });
    state.cursor = page.nextCursor || null;
    more.hidden = !state.cursor;
    count.textContent = `${state.rows.size}${state.cursor ? '+' : ''} ${state.rows.size === 1 ? 'run' : 'runs'}`;
    if (!state.rows.size) {
      list.replaceChildren(el('tr', {}, el('td', { colspan: '9', class: 'muted', text: 'No runs match these filters.' })));
    }
    // Counts finished loads, so a test (or anything else) can wait for the list of a given request.
    list.dataset.loads = String(Number(list.dataset.loads || 0) + 1);
  };

  const loadStrip = async () => {
    const [h, s] = await Promise.all([api.health(), api.stats().catch((problem) => ({ failed: problem.message }))]);
    if (state.disposed) return;
    const summary = healthSummary(h.body);
    health.dataset.status = summary.status;
    health.replaceChildren(el('p', { class: 'health-line' },
      el('span', { class: 'dot', 'aria-hidden': 'true' }),
      el('strong', { text: { ok: 'Healthy', down: 'Degraded' }[summary.status] || 'Unknown' }),
      ` ${summary.text}`),
    el('ul', { class: 'chips' }, ...summary.checks.map((c) => el('li', { class: 'chip', 'data-ok': String(c.ok) },
      el('span', { class: 'chip-label', text: `${c.label}` }), ` ${c.ok ? '✓' : '✕'} ${c.text}`))));
    if (s.failed) {
      stats.replaceChildren(el('p', { class: 'error-text', text: `Stats could not be loaded: ${s.failed}` }));
      return;
    }
    const { tiles, period } = statsTiles(s);
    stats.replaceChildren(el('ul', { class: 'kpi-grid compact' }, ...tiles.map((t) => el('li', { class: 'kpi',
      'data-stat': t.key }, el('span', { class: 'kpi-label', text: t.label }), el('span', { class: 'kpi-value', text: t.text })))),
    el('p', { class: 'muted small', text: period }));
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    state.filters = filtersOf();
    load().then(() => announce(count.textContent));
  });
  form.addEventListener('reset', () => {
    error.hidden = true;
    setTimeout(() => {
      state.filters = filtersOf();
      load();
    });
  });
  more.addEventListener('click', () => load(true));
  live.watchScope('all');
  load();
  loadStrip();
  const fetching = new Set();
  const refreshRun = (runId, { prepend }) => {
    if (fetching.has(runId)) return;
    fetching.add(runId);
    api.run(runId).then((run) => {
      if (!state.disposed) put(run, { prepend });
    }).catch(() => {}).finally(() => fetching.delete(runId));
  };
  // Without the socket nothing says a run started or moved, so the view polls as "Your runs" does: the rows of runs
  // still moving at every call (each second), the first page of the current filters every 5 s, merged into the
  // list (new runs on top, known rows updated, none removed under the pointer), the health strip every 30 s.
  let lastPage = 0;
  let lastStrip = Date.now();
  let stripTimer = 0;
  const mergeFirstPage = async () => {
    const query = adminQuery({ ...state.filters, limit: PAGE, cursor: null });
    if (!query.ok) return;
    const page = await api.adminRuns(query.query);
    if (state.disposed) return;
    const items = page.items || [];
    for (const run of items) if (state.rows.has(run.runId)) put(run, { listed: true });
    const fresh = items.filter((run) => !state.rows.has(run.runId));
    if (fresh.length) list.querySelectorAll('tr:not([data-run-id])').forEach((placeholder) => placeholder.remove());
    for (const run of fresh.reverse()) put(run, { listed: true, prepend: true });
    count.textContent = `${state.rows.size}${state.cursor ? '+' : ''} ${state.rows.size === 1 ? 'run' : 'runs'}`;
    list.dataset.polls = String(Number(list.dataset.polls || 0) + 1);
  };
  const poll = async () => {
    if (state.disposed) return;
    const moving = [...state.rows.values()].filter((r) => !FINAL.has(r.run.status)).slice(0, MOVING_ROWS);
    await Promise.all(moving.map((r) => api.run(r.run.runId).then((run) => {
      if (!state.disposed) put(run);
    }).catch(() => {})));
    if (Date.now() - lastPage >= PAGE_POLL_MS) {
      lastPage = Date.now();
      await mergeFirstPage().catch(() => {});
    }
    if (Date.now() - lastStrip >= STRIP_POLL_MS) {
      lastStrip = Date.now();
      await loadStrip().catch(() => {});
    }
  };
  return {
    poll,
    /** The socket is back: what happened while it was down. */
    catchUp: () => {
      lastPage = Date.now();
      mergeFirstPage().catch(() => {});
    },
    update: (run) => {
      if (state.rows.has(run.runId) || matchesFilters(run, state.filters)) put(run, { prepend: !state.rows.has(run.runId) });
    },
    /** A socket message: counters straight into the row; a new run or a change of state fetches the run. */
    message: (message) => {
      if (message.type === 'run.finished') {
        // The last 24 hours' figures count finished runs: read again once a burst of them has settled.
        clearTimeout(stripTimer);
        stripTimer = setTimeout(() => { if (!state.disposed) loadStrip().catch(() => {}); }, 2000);
      }
      const known = state.rows.get(message.runId);
      if (!known) {
        refreshRun(message.runId, { prepend: true });
        return;
      }
      if (known.run.status !== message.status || message.type === 'run.finished' || message.type === 'run.review') {
        refreshRun(message.runId, { prepend: false });
        return;
      }
      const cells = known.node.querySelectorAll('td');
      known.run = { ...known.run, records: message.records, stored: message.stored, errors: message.errors };
      cells[3].textContent = formatCount(message.records);
      cells[4].textContent = formatCount(message.stored);
      cells[5].textContent = formatCount(message.errors);
    },
    dispose: () => {
      state.disposed = true;
      clearTimeout(stripTimer);
      live.unwatchScope('all');
    },
  };
}
