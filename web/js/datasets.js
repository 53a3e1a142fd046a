// Datasets as a person sees them: kinds, reading settings in words, the settings form's values, the delete
// confirmation. Pure: no DOM. The API is `/api/datasets` (contracts: dataset JSON with `settings`).

export const KINDS = Object.freeze([
  { value: 'marketing', label: 'Marketing', hint: 'Date, campaign, channel, spend, clicks… mapped from your columns' },
  { value: 'raw', label: 'Raw CSV', hint: 'Any CSV: every column kept as the text in the file, no mapping' },
]);
export const kindLabel = (kind) => (KINDS.find((k) => k.value === kind) || { label: kind || 'Marketing' }).label;

/** The choices of each reading setting: `auto` first, then the values the API accepts. */
export const SETTING_CHOICES = Object.freeze({
  encoding: [
    ['auto', 'Detect'], ['UTF-8', 'UTF-8'], ['UTF-16LE', 'UTF-16 LE'], ['UTF-16BE', 'UTF-16 BE'],
    ['windows-1252', 'Windows-1252 (Excel on Windows)'], ['ISO-8859-1', 'Latin-1 (ISO-8859-1)'],
  ],
  delimiter: [['auto', 'Detect'], [',', 'Comma (,)'], [';', 'Semicolon (;)'], ['\t', 'Tab'], ['|', 'Pipe (|)']],
  dateOrder: [
    ['auto', 'Decide from the values'], ['dmy', 'Day/month/year (31/12/2024)'],
    ['mdy', 'Month/day/year (12/31/2024)'], ['ymd', 'Year-month-day (2024-12-31)'],
  ],
  decimalStyle: [
    ['auto', 'Decide per column'], ['point', 'Decimal point (1,234.56)'], ['comma', 'Decimal comma (1.234,56)'],
  ],
});

export const DEFAULT_SETTINGS = Object.freeze({
  encoding: 'auto', delimiter: 'auto', headerRow: 0, dateOrder: 'auto', decimalStyle: 'auto',
});

const choiceLabel = (name, value) => (SETTING_CHOICES[name].find(([v]) => v === value) || [value, value])[1];

/** The settings a dataset has, every one present (the API may leave out the ones still `auto`). */
export function settingsOf(dataset) {
  return { ...DEFAULT_SETTINGS, ...((dataset && dataset.settings) || {}) };
}

/** The pinned settings in words, e.g. ["Semicolon (;)", "header on line 3"]; empty when all are `auto`. */
export function describeSettings(settings) {
  const s = { ...DEFAULT_SETTINGS, ...(settings || {}) };
  const words = [];
  if (s.encoding !== 'auto') words.push(choiceLabel('encoding', s.encoding));
  if (s.delimiter !== 'auto') words.push(choiceLabel('delimiter', s.delimiter));
  if (Number(s.headerRow) > 0) words.push(`header on line ${s.headerRow}`);
  if (s.dateOrder !== 'auto') words.push(choiceLabel('dateOrder', s.dateOrder));
  if (s.decimalStyle !== 'auto') words.push(choiceLabel('decimalStyle', s.decimalStyle));
  return words;
}

/** "All detected from each file" or the pinned settings joined. */
export function settingsSummary(settings) {
  const words = describeSettings(settings);
  return words.length ? words.join(' · ') : 'Everything detected from each file';
}

/**
 * The request body of the settings form: {ok: true, value} or {ok: false, field, message}. `form` holds strings as
 * the inputs give them (headerRow blank = auto).
 */
export function readSettingsForm(form) {
  const settings = {};
  for (const name of ['encoding', 'delimiter', 'dateOrder', 'decimalStyle']) {
    const value = form[name] === undefined || form[name] === '' ? 'auto' : form[name];
    if (!SETTING_CHOICES[name].some(([v]) => v === value)) {
      return { ok: false, field: name, message: `Choose one of the listed values for ${name}.` };
    }
    settings[name] = value;
  }
  const header = String(form.headerRow ?? '').trim();
  if (header === '') {
    settings.headerRow = 0;
  } else if (/^\d{1,6}$/.test(header)) {
    settings.headerRow = Number(header);
  } else {
    return {
      ok: false, field: 'headerRow',
      message: `The header row is a line number such as 3 (or empty to find it by its shape), not “${header}”.`,
    };
  }
  return { ok: true, value: settings };
}

export const MAX_NAME = 100;

/** A dataset name as sent: trimmed; null with a message when it cannot be used. */
export function checkName(name) {
  const trimmed = String(name || '').trim();
  if (!trimmed) return { ok: false, message: 'Give the dataset a name, such as “Spring ads”.' };
  if (trimmed.length > MAX_NAME) return { ok: false, message: `A name has at most ${MAX_NAME} characters.` };
  return { ok: true, value: trimmed };
}

/**
 * What deleting a dataset removes, in one sentence that names it: the runs (as far as counted; `more` when the
 * list was cut) and their data.
 */
export function deleteConsequence(dataset, runCount, more = false) {
  const name = `“${dataset.name}”`;
  const alongside = 'Its sources and destinations go too (already delivered rows stay in their tables).';
  if (!runCount) return `Delete the dataset ${name}? It has no imports yet. ${alongside} This cannot be undone.`;
  const runs = `${more ? 'more than ' : ''}${runCount} ${runCount === 1 && !more ? 'import' : 'imports'}`;
  const data = dataset.kind === 'raw' ? 'raw records' : 'stored records';
  return `Delete the dataset ${name} with its ${runs}, their ${data} and row errors, and its published data? `
    + `${alongside} This cannot be undone.`;
}

/** Datasets for the picker: the default one first, then by name. */
export function pickerOrder(datasets) {
  return [...datasets].sort((a, b) => (b.default === true) - (a.default === true)
    || String(a.name).localeCompare(String(b.name), undefined, { sensitivity: 'base' }));
}

/** The text of a picker option: "Spring ads (raw CSV)" — the kind only when it is not marketing. */
export function pickerLabel(dataset) {
  return dataset.kind === 'raw' ? `${dataset.name} (raw CSV)` : dataset.name;
}

/** How a finished run goes into the dataset (the API's `publish`), in words. */
export const STRATEGIES = Object.freeze([
  { value: 'append', label: 'Append', hint: 'Every record becomes a new row.' },
  { value: 'upsert', label: 'Upsert by key', hint: 'A row with the same key is replaced; new keys are added.' },
  { value: 'replace', label: 'Replace', hint: 'The dataset becomes exactly the latest run\'s rows.' },
]);
export const MARKETING_KEY = Object.freeze(['date', 'campaign', 'channel']);

/** The dataset's publish settings, defaults filled in: {strategy, key: [...], review}. */
export function publishOf(dataset) {
  const strategy = STRATEGIES.some((s) => s.value === (dataset && dataset.publish)) ? dataset.publish : 'append';
  return { strategy, key: Array.isArray(dataset && dataset.publishKey) ? dataset.publishKey : [],
    review: Boolean(dataset && dataset.review) };
}

/**
 * The publish part of a PATCH from the form {strategy, key (comma separated text), review}: {ok, value} where value
 * holds only what differs from the dataset (so an unchanged form sends nothing), or {ok: false, field, message}.
 */
export function readPublishForm(form, dataset) {
  const strategy = form.strategy || 'append';
  if (!STRATEGIES.some((s) => s.value === strategy)) {
    return { ok: false, field: 'strategy', message: 'Choose append, upsert by key or replace.' };
  }
  const key = String(form.key || '').split(',').map((k) => k.trim()).filter(Boolean);
  if (new Set(key).size !== key.length) {
    return { ok: false, field: 'key', message: 'A key names each column once.' };
  }
  if (strategy === 'upsert' && dataset.kind === 'raw' && !key.length) {
    return { ok: false, field: 'key', message: 'Upsert into a raw dataset needs the key columns: the header names '
      + 'that identify a row, such as “id”.' };
  }
  const current = publishOf(dataset);
  const value = {};
  if (strategy !== current.strategy) value.publish = strategy;
  if (key.join(',') !== current.key.join(',')) value.publishKey = key;
  if (Boolean(form.review) !== current.review) value.review = Boolean(form.review);
  return { ok: true, value };
}

/** "Upsert by date, campaign, channel · review before publishing" */
export function publishSummary(dataset) {
  const { strategy, key, review } = publishOf(dataset);
  const label = STRATEGIES.find((s) => s.value === strategy).label;
  const shownKey = strategy === 'upsert' ? ` (${(key.length ? key : dataset.kind === 'raw' ? [] : MARKETING_KEY).join(', ')})` : '';
  return `${label}${shownKey}${review ? ' · review before publishing' : ' · published automatically'}`;
}
