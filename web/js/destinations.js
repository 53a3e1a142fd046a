// Destinations of a dataset (issue 16): list, add, test the connection, pick schema and table, map columns from the
// target's own columns, and a run's deliveries with resend. Plain DOM; the host page passes how to reach the API.

/** The source fields every marketing dataset has; a raw dataset's are its file's column names. */
export const SOURCE_FIELDS = ['date', 'campaign', 'channel', 'spend', 'clicks', 'conversions', 'impressions'];

const STATUS_WORDS = {
  pending: 'Waiting to be delivered',
  delivering: 'Being delivered',
  delivered: 'Delivered',
  failed: 'Failed',
  skipped: 'Not sent: the import was rolled back before it was delivered',
};

/**
 * Whether Resend can do anything: not for a delivered one (its rows are in the target once), nor a skipped one (its
 * import was rolled back, so there is nothing to send; the server answers 409 RUN_ROLLED_BACK).
 */
export function canResend(d) {
  return d.status !== 'delivered' && d.status !== 'skipped';
}

/** `target=source` lines (or `target: source`) into the API's columns object; throws with the line at fault. */
export function parseColumns(text) {
  const columns = {};
  const lines = String(text || '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l);
  lines.forEach((line, index) => {
    const match = /^([^=:]+)[=:](.+)$/.exec(line);
    if (!match) throw new Error(`Line ${index + 1} (“${line}”) is not “target column = source field”.`);
    const target = match[1].trim();
    const source = match[2].trim();
    if (!target || !source) throw new Error(`Line ${index + 1} needs a target column and a source field.`);
    if (target in columns) throw new Error(`Target column “${target}” is mapped twice.`);
    columns[target] = source;
  });
  if (!lines.length) throw new Error('Map at least one column, e.g. “day = date”.');
  return columns;
}

/** A target column's proposed source: the same name, or nothing. */
export function proposeSource(column, sources = SOURCE_FIELDS) {
  const lower = String(column).toLowerCase();
  return sources.find((s) => s.toLowerCase() === lower) || (lower === 'day' ? 'date' : '');
}

/** One line about a run's delivery to one destination. */
export function deliveryText(d) {
  const words = STATUS_WORDS[d.status] || d.status;
  const rows = d.rows === null || d.rows === undefined ? '' : ` · ${d.rows} row${d.rows === 1 ? '' : 's'}`;
  const tries = d.attempts > 1 ? ` · ${d.attempts} attempts` : '';
  const when = d.deliveredAt ? ` · ${new Date(d.deliveredAt).toLocaleString()}` : '';
  return `${words}${rows}${tries}${when}`;
}

/** What the test-connection answer says, in a sentence. */
export function testText(answer) {
  return answer.ok ? 'Connection works: Sluice can deliver to this table.' : `${answer.code}: ${answer.message}`;
}

const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
};

/** JSON calls with the bearer token; an error carries the server's code and message. */
function client({ url, token }) {
  return async (path, options = {}) => {
    const response = await fetch(url(path), { ...options,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` } });
    if (response.status === 204) return null;
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.error ? body.error.message : `The server answered HTTP ${response.status}.`);
      error.code = body.error ? body.error.code : 'HTTP';
      throw error;
    }
    return body;
  };
}

const enc = encodeURIComponent;

/** The dataset page's "Destinations" card. */
export function destinationsPanel({ datasetId, url, token }) {
  const call = client({ url, token });
  const list = el('div', { id: 'destinations-list' }, el('p', { class: 'muted', text: 'Loading…' }));
  const status = el('p', { class: 'muted', role: 'status', id: 'destinations-status' });
  const section = el('section', { class: 'card', id: 'destinations-section', 'aria-labelledby': 'destinations-h' },
    el('h2', { id: 'destinations-h', text: 'Destinations' }),
    el('p', { class: 'muted small', text: 'Each published import is delivered to these tables, exactly once.' }),
    list, addForm(), status);

  async function load() {
    try {
      const page = await call(`/datasets/${enc(datasetId)}/destinations`);
      list.replaceChildren(...(page.items.length ? page.items.map(card)
        : [el('p', { class: 'muted', text: 'None yet.' })]));
    } catch (error) {
      list.replaceChildren(el('p', { class: 'form-error', text: error.message }));
    }
  }

  function field(id, label, props = {}) {
    return el('div', { class: 'field' }, el('label', { for: id, text: label }),
      el('input', { id, name: id.replace('dest-', ''), autocomplete: 'off', ...props }));
  }

  function addForm() {
    const error = el('p', { class: 'form-error', role: 'alert', hidden: true });
    const form = el('form', { id: 'destination-form', class: 'dataset-form', novalidate: true },
      el('h3', { text: 'Add a destination' }),
      field('dest-name', 'Name', { required: true }),
      el('div', { class: 'field' }, el('label', { for: 'dest-kind', text: 'Kind' }),
        el('select', { id: 'dest-kind', name: 'kind' }, el('option', { value: 'postgres', text: 'PostgreSQL' }),
          el('option', { value: 'redshift', text: 'Redshift' }))),
      field('dest-host', 'Host', { required: true }), field('dest-port', 'Port', { type: 'number', value: '5432' }),
      field('dest-database', 'Database', { required: true }), field('dest-user', 'User', { required: true }),
      field('dest-password', 'Password', { type: 'password', required: true, autocomplete: 'new-password' }),
      el('div', { class: 'field' }, el('label', { for: 'dest-sslMode', text: 'SSL' }),
        el('select', { id: 'dest-sslMode', name: 'sslMode' }, ...['prefer', 'require', 'verify-full', 'disable']
          .map((m) => el('option', { value: m, text: m })))),
      field('dest-schema', 'Schema', { value: 'public' }), field('dest-table', 'Table', { required: true }),
      el('div', { class: 'field' }, el('label', { for: 'dest-columns', text: 'Columns (target = source, one a line)' }),
        el('textarea', { id: 'dest-columns', name: 'columns', rows: '4', text: 'day = date\ncampaign = campaign' })),
      el('div', { class: 'field' }, el('label', { for: 'dest-strategy', text: 'Load strategy' }),
        el('select', { id: 'dest-strategy', name: 'strategy' }, el('option', { value: 'insert', text: 'Insert' }),
          el('option', { value: 'upsert', text: 'Upsert on a key' }),
          el('option', { value: 'truncate-insert', text: 'Replace the table (truncate and insert)' }))),
      field('dest-key', 'Upsert key (target columns, comma-separated)'),
      error,
      el('button', { type: 'submit', class: 'button primary', text: 'Add destination' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.hidden = true;
      const value = (name) => form.querySelector(`[name="${name}"]`).value.trim();
      try {
        const body = { name: value('name'), kind: value('kind'), host: value('host'), port: Number(value('port')),
          database: value('database'), user: value('user'), password: form.querySelector('[name="password"]').value,
          sslMode: value('sslMode'), schema: value('schema'), table: value('table'),
          columns: parseColumns(form.querySelector('[name="columns"]').value), strategy: value('strategy') };
        if (body.strategy === 'upsert') body.key = value('key').split(',').map((k) => k.trim()).filter((k) => k);
        await call(`/datasets/${enc(datasetId)}/destinations`, { method: 'POST', body: JSON.stringify(body) });
        form.querySelector('[name="password"]').value = '';
        status.textContent = `Destination “${body.name}” added.`;
        await load();
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
      }
    });
    return form;
  }

  function card(destination) {
    const result = el('p', { class: 'muted', role: 'status' });
    const picker = el('div', { class: 'destination-picker' });
    const node = el('div', { class: 'destination card', 'data-id': destination.id },
      el('h3', { text: destination.name }),
      el('p', { class: 'muted small', text: `${destination.kind} · ${destination.user}@${destination.host}:`
        + `${destination.port}/${destination.database} · ${destination.schema}.${destination.table} · `
        + `${destination.strategy}${destination.key.length ? ` on ${destination.key.join(', ')}` : ''}` }),
      el('p', { class: 'small', text: `Columns: ${Object.entries(destination.columns)
        .map(([t, s]) => `${t} ← ${s}`).join(', ')}` }),
      el('div', { class: 'form-actions' },
        el('button', { type: 'button', class: 'button secondary', text: 'Test connection', onclick: async () => {
          result.textContent = 'Testing…';
          try {
            result.textContent = testText(await call(`/destinations/${enc(destination.id)}/test`,
              { method: 'POST', body: '{}' }));
          } catch (e) { result.textContent = e.message; }
        } }),
        el('button', { type: 'button', class: 'button secondary', text: 'Pick table and columns…',
          onclick: () => pickTable(destination, picker, result) }),
        el('button', { type: 'button', class: 'button danger', text: 'Delete', onclick: async () => {
          try {
            await call(`/destinations/${enc(destination.id)}`, { method: 'DELETE' });
            status.textContent = `Destination “${destination.name}” deleted.`;
            await load();
          } catch (e) { result.textContent = e.message; }
        } })),
      result, picker);
    return node;
  }

  /** Schema → table → the table's columns, each with a source field; saved with PATCH. */
  async function pickTable(destination, picker, result) {
    try {
      const schemas = (await call(`/destinations/${enc(destination.id)}/schemas`)).items;
      const schemaSelect = el('select', { 'aria-label': 'Schema' },
        ...schemas.map((s) => el('option', { value: s, text: s, selected: s === destination.schema })));
      const tableSelect = el('select', { 'aria-label': 'Table' });
      const columnsBox = el('div', { class: 'destination-columns' });
      const loadTables = async () => {
        const tables = (await call(`/destinations/${enc(destination.id)}/tables?schema=${enc(schemaSelect.value)}`))
          .items;
        tableSelect.replaceChildren(...tables.map((t) => el('option', { value: t, text: t,
          selected: t === destination.table })));
        await loadColumns();
      };
      const loadColumns = async () => {
        if (!tableSelect.value) { columnsBox.replaceChildren(); return; }
        const columns = (await call(`/destinations/${enc(destination.id)}/columns?schema=${enc(schemaSelect.value)}`
          + `&table=${enc(tableSelect.value)}`)).items;
        columnsBox.replaceChildren(...columns.map((c) => el('div', { class: 'field' },
          el('label', { text: `${c.name} (${c.type})` }),
          el('input', { 'data-column': c.name, placeholder: 'not delivered',
            value: destination.columns[c.name] || proposeSource(c.name) }))));
      };
      schemaSelect.addEventListener('change', loadTables);
      tableSelect.addEventListener('change', loadColumns);
      const save = el('button', { type: 'button', class: 'button primary', text: 'Save mapping', onclick: async () => {
        const columns = {};
        columnsBox.querySelectorAll('input[data-column]').forEach((input) => {
          if (input.value.trim()) columns[input.dataset.column] = input.value.trim();
        });
        try {
          await call(`/destinations/${enc(destination.id)}`, { method: 'PATCH', body: JSON.stringify({
            schema: schemaSelect.value, table: tableSelect.value, columns }) });
          status.textContent = 'Mapping saved.';
          await load();
        } catch (e) { result.textContent = e.message; }
      } });
      picker.replaceChildren(schemaSelect, tableSelect, columnsBox, save);
      await loadTables();
    } catch (e) {
      result.textContent = e.message;
    }
  }

  load();
  return section;
}

/**
 * The run page's "Deliveries" card: each destination's status, rows, error, and Resend for one not delivered (nor
 * skipped).
 */
export function deliveriesPanel({ runId, url, token }) {
  const call = client({ url, token });
  const body = el('div', { id: 'deliveries-list' }, el('p', { class: 'muted', text: 'Loading…' }));
  const section = el('section', { class: 'card', id: 'deliveries-section', 'aria-labelledby': 'deliveries-h' },
    el('h2', { id: 'deliveries-h', text: 'Deliveries' }), body);

  async function load() {
    try {
      const page = await call(`/runs/${enc(runId)}/deliveries`);
      body.replaceChildren(...(page.items.length ? page.items.map(row)
        : [el('p', { class: 'muted', text: 'This import has no deliveries (its dataset has no destinations, or it '
          + 'is not published yet).' })]));
    } catch (error) {
      // An older server without the route: no card.
      if (error.code === 'NOT_FOUND' || error.code === 'HTTP') section.hidden = true;
      else body.replaceChildren(el('p', { class: 'form-error', text: error.message }));
    }
  }

  function row(d) {
    const line = el('p', { 'data-status': d.status },
      el('strong', { text: d.name }), ' — ', deliveryText(d));
    // A skipped delivery's reason is a fact, not a failure to act on.
    const error = d.error ? el('p', { class: d.status === 'skipped' ? 'muted small' : 'failure-box', text: d.error })
      : null;
    const resend = !canResend(d) ? null : el('button', { type: 'button', class: 'button secondary',
      text: 'Resend', onclick: async () => {
        try {
          await call(`/runs/${enc(runId)}/deliveries/${enc(d.destinationId)}/resend`, { method: 'POST', body: '{}' });
          await load();
        } catch (e) { line.append(` (${e.message})`); }
      } });
    return el('div', { class: 'delivery', 'data-destination': d.destinationId }, line, error, resend);
  }

  load();
  return section;
}
