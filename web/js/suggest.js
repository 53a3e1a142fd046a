// The mapping step's model: the server's suggestion (`POST /api/mappings/suggest`: the dataset's saved mapping or
// one from header names and values, with a confidence and a reason per field) or, from a server without that
// endpoint, the browser's own header-name suggestion. Pure: no DOM.
import { FIELDS, suggestMapping } from './mapping.js';

/** Rows sent with the header: enough values for the server to judge a column, small enough to send at once. */
export const SUGGEST_ROWS = 20;

/**
 * From this confidence an import applies a proposal by itself (the server's MappingSuggestion.APPLIED): those start
 * chosen; weaker guesses are only offered, so what the dropdowns show is what an import without them would use.
 */
export const APPLIED = 0.5;

export function suggestRequest(preview, datasetId) {
  const body = { header: preview.header, rows: (preview.sampleRows || []).slice(0, SUGGEST_ROWS) };
  if (datasetId) body.datasetId = datasetId;
  return body;
}

/**
 * {mapping: {field: header}, details: {field: {confidence, reason}}, source: 'saved'|'suggested', unmapped,
 * conflicts: [{field, headers}], origin: 'server'} from the API's answer. Headers the file does not have and
 * fields Sluice does not know are dropped: the page never sends a column the file lacks.
 */
export function fromSuggestResponse(body, header) {
  const known = new Set(header);
  const fields = new Set(FIELDS.map((f) => f.name));
  const mapping = {};
  const details = {};
  const hints = {};
  const used = new Set();
  for (const [field, entry] of Object.entries((body && body.mapping) || {})) {
    const column = typeof entry === 'string' ? entry : entry && entry.header;
    // A column feeds one field at most, whatever the answer says.
    if (!fields.has(field) || !known.has(column) || used.has(column)) continue;
    const detail = {
      confidence: typeof entry.confidence === 'number' ? entry.confidence : null,
      reason: typeof entry.reason === 'string' ? entry.reason : null,
    };
    if (detail.confidence !== null && detail.confidence < APPLIED && body.source !== 'saved') {
      hints[field] = { header: column, ...detail };
      continue;
    }
    used.add(column);
    mapping[field] = column;
    details[field] = detail;
  }
  const conflicts = ((body && body.conflicts) || [])
    .filter((c) => c && fields.has(c.field) && Array.isArray(c.headers) && c.headers.length > 1)
    .map((c) => ({ field: c.field, headers: c.headers.filter((h) => known.has(h)) }))
    .filter((c) => c.headers.length > 1);
  for (const [field, hint] of Object.entries(hints)) if (used.has(hint.header)) delete hints[field];
  return {
    mapping, details, conflicts, hints,
    source: body && body.source === 'saved' ? 'saved' : 'suggested',
    unmapped: header.filter((h) => !used.has(h)),
    origin: 'server',
  };
}

/** The same model from the browser's header synonyms, for a server that has no suggest endpoint. */
export function browserSuggestion(header) {
  const mapping = suggestMapping(header);
  const details = Object.fromEntries(Object.keys(mapping).map((field) => [field,
    { confidence: null, reason: `the column is named “${mapping[field]}”` }]));
  const used = new Set(Object.values(mapping));
  return {
    mapping, details, conflicts: [], hints: {}, source: 'suggested', unmapped: header.filter((h) => !used.has(h)),
    origin: 'browser',
  };
}

export const percent = (confidence) => `${Math.round(Math.max(0, Math.min(1, confidence)) * 100)} %`;

/** The fieldset's heading: where the mapping shown comes from. */
export function sourceHeading(model) {
  if (!model) return 'Columns for each field';
  return model.source === 'saved' ? 'Saved mapping from your last import' : 'Suggested';
}

export function sourceExplanation(model) {
  if (!model) return '';
  if (model.source === 'saved') return 'The same columns as the last file you imported into this dataset — change any.';
  if (model.origin === 'browser') return 'From the column names — change any.';
  return 'From the column names and their values — change any.';
}

/**
 * The line under one field's dropdown: what Sluice proposed and why, or that the person changed or cleared it.
 * `current` is the mapping as the person has it now.
 */
export function fieldNote(model, field, current) {
  const proposed = model && model.mapping[field];
  const chosen = current[field];
  if (proposed && chosen !== proposed) {
    return chosen ? `Changed by you (Sluice proposed “${proposed}”)` : `Not imported: you cleared “${proposed}”`;
  }
  const hint = model && model.hints && model.hints[field];
  if (!proposed && hint && chosen !== hint.header) {
    const sure = typeof hint.confidence === 'number' ? ` · ${percent(hint.confidence)} sure` : '';
    return `Maybe “${hint.header}”${sure}${hint.reason ? ` · ${hint.reason}` : ''}: choose it to import it`;
  }
  if (!proposed) return chosen ? 'Chosen by you' : 'No matching column found';
  if (model.source === 'saved') return 'Saved mapping from your last import';
  const detail = model.details[field] || {};
  const parts = ['Suggested'];
  if (typeof detail.confidence === 'number') parts.push(`${percent(detail.confidence)} sure`);
  if (detail.reason) parts.push(detail.reason);
  return parts.join(' · ');
}

const quoted = (names) => names.map((n) => `“${n}”`);
const words = (items) => (items.length < 2 ? items.join('')
  : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** "“Cost” and “Kosten” could both be spend; Sluice chose “Cost”. Check it is the right one." */
export function conflictText(conflict, current) {
  const chosen = current[conflict.field];
  const both = conflict.headers.length === 2 ? 'both' : 'all';
  const start = `${words(quoted(conflict.headers))} could ${both} be ${conflict.field}`;
  if (chosen && conflict.headers.includes(chosen)) {
    return `${start}; Sluice chose “${chosen}”. Check it is the right one.`;
  }
  if (chosen) return `${start}; you chose “${chosen}”.`;
  return `${start}, so Sluice chose none of them. Pick the right one.`;
}

/** The run's `file.mappingSource` in words. */
export function mappingSourceText(source) {
  return {
    given: 'Chosen by you for this import',
    saved: 'Saved mapping from your last import into this dataset',
    suggested: 'Suggested by Sluice from the column names and values',
  }[source] || null;
}
