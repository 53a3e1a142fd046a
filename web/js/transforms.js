// The mapping step's transformations: per mapped field a pipeline of transforms ("trim | parse_number('de-DE')") or,
// written after "=", a calculated expression ("= if(clicks > 0, spend / clicks, null)"). What they make of the preview
// rows is asked of the server (POST /api/mappings/preview), which evaluates them with the loaders' own code: the
// browser never evaluates an expression itself, so the preview cannot disagree with the import.
import { FIELDS } from './mapping.js';

/** Most rows previewed (the endpoint's limit). */
export const PREVIEW_ROWS = 50;

/**
 * The steps of a pipeline written as "a | b | c". A "|" inside quotes or parentheses belongs to its step.
 */
export function splitSteps(text) {
  const steps = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const c of text) {
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    if (c === '|' && !quoted && depth === 0) {
      steps.push(current);
      current = '';
    } else current += c;
  }
  steps.push(current);
  return steps.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The mapping entry of one field: its header, a column with a pipeline, or a calculated expression. */
export function entryOf(header, text) {
  const written = (text || '').trim();
  if (written.startsWith('=')) return { expression: written.slice(1).trim() };
  const steps = splitSteps(written);
  if (!header) return undefined;
  return steps.length ? { column: header, transform: steps } : header;
}

/** {field: header} with each field's transformation text applied: what POST /api/uploads takes as "mapping". */
export function mappingWithTransforms(mapping, transforms) {
  const result = {};
  for (const field of FIELDS) {
    const entry = entryOf(mapping[field.name], (transforms || {})[field.name]);
    if (entry !== undefined) result[field.name] = entry;
  }
  return result;
}

export const hasTransforms = (transforms) => Object.values(transforms || {}).some((t) => (t || '').trim());

export function previewRequest(preview, mapping, transforms, datasetId) {
  const body = {
    header: preview.header,
    rows: (preview.sampleRows || []).slice(0, PREVIEW_ROWS),
    mapping: mappingWithTransforms(mapping, transforms),
  };
  if (datasetId) body.datasetId = datasetId;
  return body;
}

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

/**
 * The transformations part of a preview card: an input per field, a button that previews, and the table of
 * before → after per row and field, failures marked with their message.
 *
 * @param container the card's `.transforms` element
 * @param item      the preview item ({id, preview, mapping, transforms})
 * @param options   {api, datasetId}
 */
export function renderTransforms(container, item, { api, datasetId }) {
  item.transforms = item.transforms || {};
  const inputs = FIELDS.map((field) => {
    const id = `${item.id}-transform-${field.name}`;
    const input = el('input', { id, type: 'text', name: `transform-${field.name}`, autocomplete: 'off',
      spellcheck: 'false', placeholder: field.name === 'spend' ? "trim | parse_number('de-DE')" : '' });
    input.value = item.transforms[field.name] || '';
    input.addEventListener('input', () => { item.transforms[field.name] = input.value; });
    return el('div', { class: 'transform-field', 'data-field': field.name },
      el('label', { for: id, text: `${field.label} ← ${item.mapping[field.name] || 'calculated'}` }), input);
  });
  const result = el('div', { class: 'transform-preview', 'aria-live': 'polite' });
  const button = el('button', { type: 'button', class: 'button preview-transforms', text: 'Preview transformations' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.replaceChildren(el('p', { class: 'muted', text: 'Asking Sluice…' }));
    try {
      const answer = await api.previewMapping(previewRequest(item.preview, item.mapping, item.transforms, datasetId));
      result.replaceChildren(previewTable(item, answer));
    } catch (error) {
      result.replaceChildren(el('p', { class: 'error-text transform-problem', role: 'alert', text: error.message }));
    } finally {
      button.disabled = false;
    }
  });
  container.replaceChildren(
    el('details', { class: 'transforms-box' },
      el('summary', { text: 'Transform columns (optional)' }),
      el('p', { class: 'muted small', text: 'Steps separated by |: trim, upper, lower, replace(a, b), default(v), '
        + "parse_date('dd.MM.yyyy'), parse_number('de-DE'). Start with = for a calculated value, e.g. "
        + '= if(clicks > 0, spend / clicks, null).' }),
      el('div', { class: 'transform-grid' }, ...inputs), button, result));
}

/** Rows × transformed fields: "before → after", a failed one marked and its message in the cell's title and list. */
function previewTable(item, answer) {
  const fields = FIELDS.filter((f) => (item.transforms[f.name] || '').trim());
  const shown = fields.length ? fields : FIELDS.filter((f) => item.mapping[f.name]);
  const header = item.preview.header;
  const rows = item.preview.sampleRows || [];
  const problems = [];
  const body = answer.rows.map((row, i) => el('tr', {},
    el('th', { scope: 'row', text: String(i + 1) }),
    ...shown.map((field) => {
      const column = item.mapping[field.name];
      const index = column ? header.indexOf(column) : -1;
      const before = index >= 0 ? (rows[i] || [])[index] ?? '' : '';
      const error = row.errors.find((e) => e.field === field.name);
      const after = row.values[field.name];
      if (error) problems.push(`Row ${i + 1}, ${field.name}: ${error.message}`);
      return el('td', { class: error ? 'transform-error' : null, 'data-field': field.name, title: error ? error.message : null },
        el('span', { class: 'before', text: index >= 0 ? before : '—' }), ' → ',
        el('span', { class: 'after', text: error ? 'error' : after === null ? 'empty' : after }));
    })));
  return el('div', {},
    el('div', { class: 'table-scroll' }, el('table', { class: 'data-table transform-table' },
      el('caption', { text: 'What the transformations make of the first rows (before → after)' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Row' }),
        ...shown.map((f) => el('th', { scope: 'col', text: f.label })))),
      el('tbody', {}, ...body))),
    problems.length ? el('ul', { class: 'transform-problems error-text' },
      ...problems.map((p) => el('li', { text: p }))) : null);
}
