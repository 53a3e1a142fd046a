// The dataset page's data: analytics (KPI tiles, the daily chart, breakdowns by channel and campaign, spend
// anomalies), the current rows with filters and a CSV download, and "Compare runs". Built from the API through
// analytics.js and charts.js; refresh() fetches everything again (a run of the dataset finished publishing).
import { $, el, svgNode } from './dom.js';
import { timeSeriesChart, barChart } from './charts.js';
import {
  METRICS, metric, kpiTiles, formatMetric, periodText, dailySeries, breakdownItems, anomalyMarks, rowsQuery,
  analyticsQuery, checkRange, ROW_COLUMNS, rowCells, rawColumnsOf, changeLines, compareCountsText, keyText,
  compareChoice,
} from './analytics.js';

const ROWS_PAGE = 25;
const COMPARE_PAGE = 50;
const TOP_CAMPAIGNS = 8;
const COMPARABLE = new Set(['SUCCEEDED', 'PARTIAL', 'REVIEW', 'ROLLED_BACK', 'CANCELLED']);

/**
 * Appends the sections to `root` and loads them. deps: {api, announce, download(path, name, statusNode),
 * runs: () => Promise<runs of the dataset>}. Returns {refresh, dispose}.
 */
export function datasetInsights(root, dataset, deps) {
  const raw = dataset.kind === 'raw';
  const view = { period: { from: '', to: '' }, metric: 'clicks', data: null, disposed: false };
  const sections = [];
  if (!raw) sections.push(analyticsSection(dataset, view, deps));
  sections.push(rowsSection(dataset, deps));
  sections.push(compareSection(dataset, deps));
  root.append(...sections.map((s) => s.node));
  const refresh = () => Promise.all(sections.map((s) => s.load()));
  refresh();
  return {
    refresh,
    dispose: () => sections.forEach((s) => s.dispose && s.dispose()),
  };
}

// ----------------------------------------------------------------------------------------------- analytics

function analyticsSection(dataset, view, { api, announce }) {
  const from = el('input', { type: 'date', id: 'an-from', name: 'from', 'aria-describedby': 'an-period' });
  const to = el('input', { type: 'date', id: 'an-to', name: 'to', 'aria-describedby': 'an-period' });
  const error = el('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = el('form', { class: 'period-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'an-from', text: 'From' }), from),
    el('div', { class: 'field' }, el('label', { for: 'an-to', text: 'To' }), to),
    el('div', { class: 'period-buttons' },
      el('button', { type: 'submit', class: 'button secondary compact', text: 'Show period' }),
      el('button', { type: 'button', class: 'button ghost compact', id: 'an-whole', text: 'Whole dataset' })));
  const metricSelect = el('select', { id: 'an-metric' },
    ...METRICS.filter((m) => m.key !== 'spend').map((m) => el('option', { value: m.key, text: m.label })));
  metricSelect.value = view.metric;
  const status = el('p', { class: 'muted small', id: 'an-period', role: 'status' });
  const tiles = el('ul', { class: 'kpi-grid', id: 'kpi-tiles', 'aria-label': 'Key figures' });
  const daily = el('figure', { class: 'chart-box', id: 'chart-daily' });
  const channels = el('figure', { class: 'chart-box', id: 'chart-channels' });
  const campaigns = el('figure', { class: 'chart-box', id: 'chart-campaigns' });
  const anomalies = el('div', { id: 'anomalies' });
  const problem = el('p', { class: 'error-text', id: 'analytics-problem', hidden: true });
  const body = el('div', { class: 'insights-body' }, tiles,
    el('div', { class: 'chart-head' }, el('h3', { text: 'Daily spend and' }),
      el('label', { class: 'visually-hidden', for: 'an-metric', text: 'Second measure of the daily chart' }),
      metricSelect),
    daily,
    el('div', { class: 'breakdowns' },
      el('div', {}, el('h3', { text: 'Spend by channel' }), channels),
      el('div', {}, el('h3', { text: `Spend by campaign (top ${TOP_CAMPAIGNS} and other)` }), campaigns)),
    el('h3', { text: 'Spend anomalies' }), anomalies);
  const node = el('section', { class: 'card insights-card', id: 'analytics-section', 'aria-labelledby': 'analytics-h' },
    el('div', { class: 'table-head' }, el('h2', { id: 'analytics-h', text: 'Analytics' }), status),
    form, error, problem, body);

  const draw = () => {
    if (!view.data || view.disposed) return;
    const { day, channel, campaign, anomaly } = view.data;
    const marks = anomalyMarks(anomaly);
    const series = dailySeries(day, view.metric);
    const m = metric(view.metric);
    const width = (box) => Math.max(280, Math.floor(box.clientWidth || 320));
    const daySpec = timeSeriesChart({
      days: series.days, width: width(daily), height: daily.clientWidth < 480 ? 220 : 260, marks,
      title: `Daily spend and ${m.label.toLowerCase()}`,
      series: [{ name: 'Spend', values: series.spend, format: (v) => formatMetric('spend', v) },
        { name: m.label, values: series.metric, format: (v) => formatMetric(m.key, v) }],
    });
    const legend = el('p', { class: 'legend', 'aria-hidden': 'true' },
      el('span', { class: 'key series-0', text: 'Spend (left axis)' }),
      el('span', { class: 'key series-1', text: `${m.label} (right axis)` }),
      marks.length ? el('span', { class: 'key mark', text: 'Anomaly' }) : null);
    daily.replaceChildren(svgNode(daySpec.svg), legend, fallbackTable('The daily numbers',
      ['Day', 'Spend', m.label], series.days.map((d, i) => [d, formatMetric('spend', series.spend[i]),
        formatMetric(m.key, series.metric[i])])));
    for (const [box, answer, title] of [[channels, channel, 'Spend by channel'], [campaigns, campaign,
      'Spend by campaign']]) {
      const items = breakdownItems(answer, 'spend');
      const spec = barChart({ items, width: width(box), title, format: (v) => formatMetric('spend', v) });
      box.replaceChildren(svgNode(spec.svg), fallbackTable(`${title} as a table`, [title.split(' by ')[1]
        .replace(/^./, (c) => c.toUpperCase()), 'Spend', 'Clicks', 'Conversions'],
      ((answer && answer.groups) || []).map((g) => [String(g.key), formatMetric('spend', g.spend),
        formatMetric('clicks', g.clicks), formatMetric('conversions', g.conversions)])));
    }
  };

  const load = async () => {
    status.textContent = 'Loading…';
    const period = view.period;
    try {
      const [day, channel, campaign, anomaly] = await Promise.all([
        api.analytics(dataset.id, analyticsQuery(period, 'day')),
        api.analytics(dataset.id, analyticsQuery(period, 'channel')),
        api.analytics(dataset.id, analyticsQuery(period, 'campaign', TOP_CAMPAIGNS)),
        api.anomalies(dataset.id, analyticsQuery(period, 'day').replace(/&?groupBy=day/, ''))
          .catch((problem) => ({ items: [], failed: problem.message })),
      ]);
      if (view.disposed) return;
      view.data = { day, channel, campaign, anomaly };
    } catch (failure) {
      status.textContent = '';
      problem.textContent = `Analytics could not be loaded: ${failure.message}`;
      problem.hidden = false;
      body.hidden = true;
      return;
    }
    problem.hidden = true;
    body.hidden = false;
    const { day, anomaly } = view.data;
    if (!from.value && day.from) from.placeholder = day.from;
    if (!to.value && day.to) to.placeholder = day.to;
    status.textContent = day.totals && day.totals.rows === 0 ? 'No published rows in this period.'
      : periodText(day);
    tiles.replaceChildren(...kpiTiles(day).map((t) => el('li', { class: 'kpi', 'data-kpi': t.key, 'data-tone': t.tone },
      el('span', { class: 'kpi-label', text: t.label, title: t.hint || null }),
      el('span', { class: 'kpi-value', text: t.text }),
      el('span', { class: 'kpi-change', 'data-direction': t.change.direction || 'none',
        title: t.previousText ? `Previous period: ${t.previousText}` : null },
      t.change.direction && t.change.direction !== 'flat'
        ? el('span', { 'aria-hidden': 'true', text: t.change.direction === 'up' ? '▲ ' : '▼ ' }) : null,
      `${t.change.text}`, el('span', { class: 'visually-hidden', text: ' compared with the previous period' })))));
    const marks = anomalyMarks(anomaly);
    anomalies.replaceChildren(anomaly.failed
      ? el('p', { class: 'error-text', text: `Anomalies could not be loaded: ${anomaly.failed}` })
      : marks.length
        ? el('ul', { class: 'anomaly-list' }, ...marks.map((a) => el('li', { 'data-date': a.date,
          'data-direction': a.direction || 'high' }, el('span', { class: 'anomaly-date', text: a.date }), ` ${a.label}`)))
        : el('p', { class: 'muted small', text: 'No unusual spend in this period: every day stayed near its '
          + `channel's ${anomaly.window || 28}-day median.` }));
    draw();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    const check = checkRange(from.value, to.value);
    if (!check.ok) {
      error.textContent = check.message;
      error.hidden = false;
      (check.field === 'from' ? from : to).focus();
      return;
    }
    view.period = { from: from.value, to: to.value };
    load().then(() => announce(`Analytics for ${status.textContent}`));
  });
  $('#an-whole', form).addEventListener('click', () => {
    from.value = '';
    to.value = '';
    error.hidden = true;
    view.period = { from: '', to: '' };
    load();
  });
  metricSelect.addEventListener('change', () => {
    view.metric = metricSelect.value;
    draw();
  });
  let frame = 0;
  let lastWidth = 0;
  const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => {
    if (Math.abs(node.clientWidth - lastWidth) < 8) return;
    lastWidth = node.clientWidth;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(draw);
  }) : null;
  if (observer) observer.observe(node);
  return {
    node, load,
    dispose: () => {
      view.disposed = true;
      if (observer) observer.disconnect();
    },
  };
}

/** The chart's numbers as a table, folded away: for screen readers and anyone who wants the exact values. */
function fallbackTable(summary, head, rows) {
  return el('details', { class: 'chart-table' }, el('summary', { text: `${summary} (${rows.length} rows)` }),
    scrollTable(summary, head, rows));
}

function scrollTable(caption, head, rows, label = caption) {
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label },
    el('table', { class: 'data-table' }, el('caption', { class: 'visually-hidden', text: caption }),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((v, i) => el(i === 0 ? 'th' : 'td',
        { scope: i === 0 ? 'row' : null, text: v ?? '' })))))));
}

// ---------------------------------------------------------------------------------------------------- rows

function rowsSection(dataset, { api, download }) {
  const raw = dataset.kind === 'raw';
  const input = (name, label, type = 'text') => el('div', { class: 'field' },
    el('label', { for: `rows-${name}`, text: label }),
    el('input', { type, id: `rows-${name}`, name, autocomplete: 'off' }));
  const filters = raw
    ? [input('column', 'Column'), input('value', 'equals')]
    : [input('from', 'From', 'date'), input('to', 'To', 'date'), input('channel', 'Channel'),
      input('campaign', 'Campaign')];
  const error = el('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = el('form', { class: 'rows-filters', novalidate: true }, ...filters,
    el('div', { class: 'period-buttons' },
      el('button', { type: 'submit', class: 'button secondary compact', text: 'Filter' }),
      el('button', { type: 'reset', class: 'button ghost compact', text: 'Clear' })));
  const table = el('table', { class: 'data-table rows-table' }, el('caption'), el('thead'), el('tbody'));
  const scroller = el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'rows-h' },
    table);
  const empty = el('p', { class: 'empty', hidden: true });
  const pageInfo = el('span', { class: 'page-info muted' });
  const prev = el('button', { type: 'button', class: 'button ghost prev', text: '← Previous' });
  const next = el('button', { type: 'button', class: 'button ghost next', text: 'Next →' });
  const downloadStatus = el('p', { class: 'download-status muted', role: 'status' });
  const downloadButton = el('button', { type: 'button', class: 'button secondary download', id: 'rows-download',
    text: 'Download CSV' });
  const node = el('section', { class: 'card table-card', id: 'rows-section', 'aria-labelledby': 'rows-h' },
    el('div', { class: 'table-head' }, el('h2', { id: 'rows-h', text: 'Current rows' }), downloadButton),
    el('p', { class: 'muted small', text: raw
      ? 'The dataset as published now. Filter by a column\'s exact value.'
      : 'The dataset as published now, one row per key. Filter by date range, channel or campaign.' }),
    form, error,
    el('p', { class: 'scroll-hint muted small', id: 'rows-hint', 'aria-hidden': 'true',
      text: 'Scroll the table sideways for more columns →' }),
    scroller, empty,
    el('nav', { class: 'pager', 'aria-label': 'Current rows pages' }, prev, pageInfo, next),
    downloadStatus);
  const state = { filters: {}, cursors: [null], page: 0, next: null };
  const value = (name) => ($(`#rows-${name}`, form) || {}).value || '';
  const readFilters = () => (raw
    ? { where: value('column').trim() ? { [value('column').trim()]: value('value') } : {} }
    : { from: value('from'), to: value('to'), channel: value('channel'), campaign: value('campaign') });

  const load = async () => {
    let answer;
    try {
      answer = await api.datasetRows(dataset.id, rowsQuery({ ...state.filters, limit: ROWS_PAGE,
        cursor: state.cursors[state.page] }, dataset.kind));
    } catch (problem) {
      empty.textContent = `The rows could not be loaded: ${problem.message}`;
      empty.hidden = false;
      scroller.hidden = true;
      $('#rows-hint', node).hidden = true;
      $('.pager', node).hidden = true;
      return;
    }
    const items = answer.items || [];
    state.next = answer.nextCursor || null;
    const columns = raw ? rawColumnsOf(items) : ROW_COLUMNS;
    $('thead', table).replaceChildren(el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', text: c }))));
    $('tbody', table).replaceChildren(...items.map((row) => el('tr', { 'data-key': JSON.stringify(row.key || []) },
      ...(raw ? columns.map((c) => (row.data || {})[c] ?? '') : rowCells(row)).map((v, i) => el(i === 0 ? 'th' : 'td',
        { scope: i === 0 ? 'row' : null, text: v ?? '' })))));
    const first = state.page * ROWS_PAGE + 1;
    $('caption', table).textContent = items.length
      ? `Current rows of ${dataset.name}, ${first}–${first + items.length - 1}` : `Current rows of ${dataset.name}`;
    const filtered = Object.values(readFilters()).some((v) => (typeof v === 'object' ? Object.keys(v).length : v));
    empty.textContent = filtered ? 'No current rows match these filters.'
      : 'No rows published yet: rows appear here once an import into this dataset is published.';
    empty.hidden = items.length > 0;
    scroller.hidden = items.length === 0;
    $('#rows-hint', node).hidden = scroller.hidden;
    prev.disabled = state.page === 0;
    next.disabled = !state.next;
    pageInfo.textContent = `Page ${state.page + 1}`;
    $('.pager', node).hidden = state.page === 0 && !state.next;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!raw) {
      const check = checkRange(value('from'), value('to'));
      if (!check.ok) {
        error.textContent = check.message;
        error.hidden = false;
        $(`#rows-${check.field}`, form).focus();
        return;
      }
    }
    state.filters = readFilters();
    state.cursors = [null];
    state.page = 0;
    load();
  });
  form.addEventListener('reset', () => {
    error.hidden = true;
    state.filters = {};
    state.cursors = [null];
    state.page = 0;
    setTimeout(load);
  });
  next.addEventListener('click', () => {
    if (!state.next) return;
    state.page++;
    state.cursors[state.page] = state.next;
    load();
  });
  prev.addEventListener('click', () => {
    if (state.page === 0) return;
    state.page--;
    load();
  });
  downloadButton.addEventListener('click', () => {
    const query = rowsQuery(state.filters, dataset.kind);
    download(`/datasets/${encodeURIComponent(dataset.id)}/rows.csv${query ? `?${query}` : ''}`,
      `${dataset.name}-rows.csv`, downloadStatus, downloadButton);
  });
  return { node, load };
}

// ------------------------------------------------------------------------------------------------- compare

function compareSection(dataset, { api, runs }) {
  const selectA = el('select', { id: 'compare-a', name: 'a' });
  const selectB = el('select', { id: 'compare-b', name: 'b' });
  const error = el('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = el('form', { class: 'compare-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'compare-a', text: 'First run' }), selectA),
    el('div', { class: 'field' }, el('label', { for: 'compare-b', text: 'Second run' }), selectB),
    el('div', { class: 'period-buttons' }, el('button', { type: 'submit', class: 'button secondary compact',
      id: 'compare-button', text: 'Compare' })));
  const result = el('div', { id: 'compare-result', 'aria-live': 'polite' });
  const node = el('section', { class: 'card table-card', id: 'compare-section', 'aria-labelledby': 'compare-h' },
    el('h2', { id: 'compare-h', text: 'Compare runs' }),
    el('p', { class: 'muted small', text: 'What changed between two imports into this dataset, key by key: rows '
      + 'added, removed, and fields with their old and new values.' }),
    form, error, result);
  let nextCursor = null;
  let shownKey = [];
  let comparable = false;

  // Called again when a run of the dataset publishes or is rolled back, with the page open.
  const load = async () => {
    let list = [];
    try {
      list = (await runs()).filter((r) => COMPARABLE.has(r.status) && (r.stored || 0) > 0);
    } catch {
      // the form then says there is nothing to compare
    }
    const kept = { a: selectA.value, b: selectB.value };
    const options = () => list.map((r) => el('option', { value: r.runId,
      text: `${r.fileName || r.runId} · ${String(r.createdAt || '').slice(0, 16).replace('T', ' ')}` }));
    selectA.replaceChildren(...options());
    selectB.replaceChildren(...options());
    const choice = compareChoice(list.map((r) => r.runId), kept, comparable);
    if (choice) {
      selectA.value = choice.a;
      selectB.value = choice.b;
      if (!comparable || choice.a !== kept.a || choice.b !== kept.b) {
        // The choice moved under the user: what was said about the old one ("needed to compare", "two different
        // runs", a result of other runs) no longer holds.
        error.hidden = true;
        result.replaceChildren();
      }
    } else {
      result.replaceChildren(el('p', { class: 'muted small', text: 'Two imports with stored records are needed to '
        + 'compare.' }));
    }
    comparable = Boolean(choice);
    form.hidden = !comparable;
  };

  const renderItems = (answer, append) => {
    const body = $('tbody', result);
    const rows = (answer.items || []).map((item) => el('tr', { 'data-change': item.change },
      el('th', { scope: 'row', text: keyText(item.key, shownKey) }),
      el('td', {}, el('span', { class: `change-badge badge`, 'data-change': item.change, text: item.change })),
      el('td', { class: 'wrap' }, ...changeLines(item).map((line, i) => [i ? el('br') : null, line]).flat())));
    if (append) body.append(...rows);
    else body.replaceChildren(...rows);
  };

  const compare = async (cursor) => {
    error.hidden = true;
    if (selectA.value === selectB.value) {
      error.textContent = 'Choose two different runs.';
      error.hidden = false;
      selectB.focus();
      return;
    }
    const query = new URLSearchParams({ a: selectA.value, b: selectB.value, limit: String(COMPARE_PAGE) });
    if (cursor) query.set('cursor', cursor);
    let answer;
    try {
      answer = await api.compareRuns(dataset.id, query.toString());
    } catch (problem) {
      error.textContent = `The runs could not be compared: ${problem.message}`;
      error.hidden = false;
      return;
    }
    nextCursor = answer.nextCursor || null;
    if (!cursor) {
      shownKey = answer.key || [];
      const more = el('button', { type: 'button', class: 'button ghost compact', id: 'compare-more',
        text: 'Show more changes' });
      more.addEventListener('click', () => compare(nextCursor));
      result.replaceChildren(
        el('p', { class: 'compare-counts', id: 'compare-counts', text: compareCountsText(answer.counts) }),
        el('p', { class: 'muted small', text: `Keyed by ${shownKey.join(', ') || 'the publish key'}.` }),
        el('p', { class: 'scroll-hint muted small', 'aria-hidden': 'true', text: 'Scroll the table sideways for more →' }),
        el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Changes between the runs' },
          el('table', { class: 'data-table compare-table' },
            el('caption', { class: 'visually-hidden', text: 'Changes from the first run to the second' }),
            el('thead', {}, el('tr', {}, ...['Key', 'Change', 'Old → new'].map((h) => el('th', { scope: 'col', text: h })))),
            el('tbody'))),
        more);
    }
    renderItems(answer, Boolean(cursor));
    $('#compare-more', result).hidden = !nextCursor;
    if (!(answer.items || []).length && !cursor) {
      $('tbody', result).replaceChildren(el('tr', {}, el('td', { colspan: '3', class: 'muted',
        text: 'The two runs hold the same rows.' })));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    compare(null);
  });
  return { node, load };
}
