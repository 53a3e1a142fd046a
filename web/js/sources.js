// Sources of a dataset (issue 16): list, add, edit, enable/disable, run now, pull history.
// Self-contained: it builds its own elements and talks to the API through the calls api.js gives it.

const KINDS = [['csv-url', 'CSV file (URL)'], ['json-api', 'JSON API'], ['feed', 'RSS / Atom feed']];

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** Text of an API value for a form field: null and undefined are empty. */
const text = (value) => (value === null || value === undefined ? '' : String(value));

/**
 * What the add/edit form shows for a source (null: a new one), by field name. Every field the form sends is
 * filled from the source, so saving an edit sends back what was there and changes only what was typed.
 */
export function sourceFormValues(source) {
  const paging = (source && source.pagination) || {};
  return {
    url: source ? text(source.url) : '',
    schedule: source ? text(source.schedule) : '',
    timezone: source && source.timezone ? source.timezone : 'UTC',
    cursorField: source ? text(source.cursorField) : '',
    recordsPath: source ? text(source.recordsPath) : '',
    since: source ? text(source.since) : '',
    pagination: paging.type || 'none',
    pageParam: text(paging.param),
    pageStart: paging.start === undefined ? '1' : text(paging.start),
    nextPath: text(paging.nextPath),
    maxPages: text(paging.maxPages),
  };
}

/** A whole number typed into a field, or an Error naming the field. */
function wholeNumber(raw, label, min) {
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`${label} must be a whole number of at least ${min}.`);
  return Number(raw);
}

/**
 * What the add/edit form sends: only filled-in fields when adding; every field when editing, so an edit round-trips
 * (an emptied text field clears it, "none" pagination is sent). Header values only when typed (never shown).
 * Throws an Error naming a field that is not a whole number.
 */
export function sourceRequest(form, { creating }) {
  const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : '');
  const body = {};
  if (creating) body.kind = value('kind');
  body.url = value('url');
  const schedule = value('schedule');
  if (schedule) {
    body.schedule = schedule;
    body.timezone = value('timezone') || 'UTC';
  } else if (!creating) {
    body.schedule = null;
  }
  for (const name of ['cursorField', 'recordsPath', 'since']) {
    if (value(name) || !creating) body[name] = value(name);
  }
  const type = value('pagination') || 'none';
  if (type !== 'none' || !creating) {
    const pagination = { type };
    if ((type === 'page' || type === 'cursor') && value('pageParam')) pagination.param = value('pageParam');
    if (type === 'page' && value('pageStart')) pagination.start = wholeNumber(value('pageStart'), 'First page', 0);
    if (type === 'cursor' && value('nextPath')) pagination.nextPath = value('nextPath');
    if (type !== 'none' && value('maxPages')) pagination.maxPages = wholeNumber(value('maxPages'), 'Most pages', 1);
    body.pagination = pagination;
  }
  const headerName = value('headerName');
  const headerValue = form.elements.headerValue ? form.elements.headerValue.value : '';
  if (headerName && headerValue) body.headers = { [headerName]: headerValue };
  return body;
}

/** A pull's one-line summary, e.g. "done · 120 records · run 3f2a…". */
export function pullSummary(pull) {
  const parts = [pull.status];
  if (pull.records !== null && pull.records !== undefined) parts.push(`${pull.records} records`);
  if (pull.runId) parts.push(`run ${pull.runId.slice(0, 8)}…`);
  if (pull.error) parts.push(pull.error);
  return parts.join(' · ');
}

/** A source as people read it: "CSV file (URL): https://…". */
export function sourceLabel(source) {
  const kind = (KINDS.find(([value]) => value === source.kind) || [null, source.kind])[1];
  return `${kind}: ${source.url}`;
}

/**
 * Where a pulled run came from, for its run page: {label, sourceId, pullId}, the source named by its kind and URL
 * when it is known (`source`, as GET /api/sources/{id} answers), else by its id; null for a run that was not pulled.
 */
export function pulledBy(run, source = null) {
  if (!run || run.source !== 'pull') return null;
  const known = source && source.url && (!run.sourceId || source.id === run.sourceId);
  return { label: known ? sourceLabel(source) : run.sourceId || 'an unknown source', sourceId: run.sourceId || null,
    pullId: run.pullId || null };
}

/**
 * The "Sources" card of a dataset's page; loads itself. `focusSource`: the id of a source to mark (a run page's
 * "Pulled by source …" link leads here).
 */
export function sourcesSection(api, dataset, { onRun = () => {}, focusSource = null } = {}) {
  const list = h('ul', { class: 'source-list', id: 'source-list' });
  const status = h('p', { class: 'muted', role: 'status', id: 'source-status' });
  const section = h('section', { class: 'card', 'aria-labelledby': 'sources-h', id: 'sources' },
    h('h2', { id: 'sources-h', text: 'Sources', tabindex: '-1' }),
    h('p', { class: 'muted small', text: 'Sluice can pull this dataset\u2019s data by itself from a URL, an API or a '
      + 'feed, on a schedule or when you ask. Only new records are loaded.' }),
    list, status, sourceForm(null));

  async function load() {
    try {
      const page = await api.listSources(dataset.id);
      list.replaceChildren(...page.items.map(item));
      if (!page.items.length) list.append(h('li', { class: 'muted', text: 'No sources yet.' }));
      const marked = focusSource && [...list.children].find((li) => li.dataset.sourceId === focusSource);
      if (marked) marked.setAttribute('aria-current', 'true');
    } catch (error) {
      status.textContent = error.message;
    }
  }

  function item(source) {
    const history = h('ol', { class: 'pull-history', 'aria-label': `Pulls of ${source.url}` });
    const headers = Object.keys(source.headers || {});
    return h('li', { class: 'source', 'data-source-id': source.id },
      h('strong', { text: `${source.kind}: ${source.url}` }),
      h('p', { class: 'muted small', text: [source.schedule ? `${source.schedule} (${source.timezone})` : 'no schedule',
        source.enabled ? 'enabled' : 'disabled', headers.length ? `headers: ${headers.join(', ')} (hidden)` : null,
        source.checkpoint && source.checkpoint.cursor ? `loaded up to ${source.checkpoint.cursor}` : null]
        .filter(Boolean).join(' · ') }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'button primary', text: 'Run now', onclick: () => runNow(source) }),
        h('button', { type: 'button', class: 'button', text: source.enabled ? 'Disable' : 'Enable',
          onclick: () => toggle(source) }),
        h('button', { type: 'button', class: 'button', text: 'History', onclick: () => showHistory(source, history) }),
        h('button', { type: 'button', class: 'button', text: 'Edit…', onclick: (event) => {
          event.target.closest('li').append(sourceForm(source));
        } }),
        h('button', { type: 'button', class: 'button danger', text: 'Delete', onclick: () => remove(source) })),
      history);
  }

  async function runNow(source) {
    status.textContent = 'Pulling…';
    try {
      const answer = await api.pullSource(source.id);
      status.textContent = answer.runId ? 'Pulled: the new records are being imported.'
        : `Nothing imported: ${answer.pull ? pullSummary(answer.pull) : 'nothing new'}.`;
      if (answer.runId) onRun(answer.runId);
    } catch (error) {
      status.textContent = error.message;
    }
    load();
  }

  async function toggle(source) {
    try {
      await api.updateSource(source.id, { enabled: !source.enabled });
    } catch (error) {
      status.textContent = error.message;
    }
    load();
  }

  async function remove(source) {
    if (!globalThis.confirm(`Delete the source ${source.url}? Its imports stay.`)) return;
    try {
      await api.deleteSource(source.id);
    } catch (error) {
      status.textContent = error.message;
    }
    load();
  }

  async function showHistory(source, target) {
    try {
      const page = await api.sourcePulls(source.id);
      target.replaceChildren(...page.items.map((pull) => h('li', { 'data-status': pull.status },
        h('time', { datetime: pull.startedAt, text: new Date(pull.startedAt).toLocaleString() }), ' ',
        h('span', { text: pullSummary(pull) }))));
      if (!page.items.length) target.append(h('li', { class: 'muted', text: 'Not pulled yet.' }));
    } catch (error) {
      status.textContent = error.message;
    }
  }

  function sourceForm(source) {
    const creating = !source;
    const prefix = creating ? 'new-source' : `edit-source-${source.id}`;
    const values = sourceFormValues(source);
    const field = (name, label, attrs = {}) => h('div', { class: 'field' },
      h('label', { for: `${prefix}-${name}`, text: label }),
      h('input', { type: 'text', id: `${prefix}-${name}`, name, autocomplete: 'off', ...attrs }));
    const form = h('form', { class: 'dataset-form source-form', novalidate: true },
      h('h3', { text: creating ? 'Add a source' : 'Edit source' }),
      creating ? h('div', { class: 'field' }, h('label', { for: `${prefix}-kind`, text: 'Kind' }),
        h('select', { id: `${prefix}-kind`, name: 'kind' }, ...KINDS.map(([value, text]) => h('option', { value, text }))))
        : null,
      field('url', 'URL', { required: true, value: values.url, placeholder: 'https://…' }),
      field('schedule', 'Schedule', { value: values.schedule, placeholder: 'rate(1 hour) or cron(0 6 * * ? *)' }),
      field('timezone', 'Time zone', { value: values.timezone }),
      field('cursorField', 'Cursor field', { value: values.cursorField, placeholder: 'updated_at' }),
      field('recordsPath', 'Records path (JSON)', { value: values.recordsPath, placeholder: 'data.items' }),
      h('div', { class: 'field' }, h('label', { for: `${prefix}-pagination`, text: 'Pagination (JSON)' }),
        h('select', { id: `${prefix}-pagination`, name: 'pagination' },
          ...['none', 'page', 'cursor', 'link'].map((value) => h('option', { value, text: value,
            selected: values.pagination === value })))),
      field('pageParam', 'Page / cursor parameter', { value: values.pageParam, placeholder: 'page or cursor' }),
      field('pageStart', 'First page', { value: values.pageStart, inputmode: 'numeric' }),
      field('nextPath', 'Next cursor path', { value: values.nextPath, placeholder: 'next_cursor' }),
      field('maxPages', 'Most pages per pull', { value: values.maxPages, inputmode: 'numeric', placeholder: '1000' }),
      field('since', 'Since (query)', { value: values.since, placeholder: 'updated_since={checkpoint}' }),
      field('headerName', 'Auth header name', { placeholder: 'Authorization' }),
      field('headerValue', 'Auth header value (stored encrypted, never shown again)', { type: 'password' }),
      h('p', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary',
        text: creating ? 'Add source' : 'Save source' })));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const error = form.querySelector('.form-error');
      try {
        const body = sourceRequest(form, { creating });
        if (creating) await api.createSource(dataset.id, body);
        else await api.updateSource(source.id, body);
        error.hidden = true;
        if (creating) form.reset();
        else form.remove();
        load();
      } catch (failure) {
        error.textContent = failure.message;
        error.hidden = false;
      }
    });
    return form;
  }

  load();
  return section;
}
