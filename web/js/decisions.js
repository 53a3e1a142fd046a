// A run's `file.decisions` (how Sluice read the file: encoding, delimiter, header line, skipped preamble, a `sep=`
// line, and per column the date order, decimal style and currency) in words, each with how it was decided.
// Pure: no DOM. The server reports what decided the encoding and delimiter (`bom`, `detected`, `sep line`,
// `setting`) while their values are `file.encoding` and `file.delimiter`; the shape is read leniently otherwise: a
// decision may be a plain value or {value, how}; columns a list of {column, …} or an object keyed by column name.

const DELIMITERS = { ',': 'Comma (,)', ';': 'Semicolon (;)', '\t': 'Tab', '|': 'Pipe (|)' };
const DATE_ORDERS = {
  dmy: 'day/month/year', mdy: 'month/day/year', ymd: 'year-month-day', iso: 'year-month-day',
};
const DECIMALS = { point: 'decimal point (1,234.56)', comma: 'decimal comma (1.234,56)', us: 'decimal point (1,234.56)',
  european: 'decimal comma (1.234,56)' };

/** How a decision was reached, in words; unknown codes pass through readably. */
const HOW = {
  bom: 'from the byte-order mark',
  detected: 'detected from the file',
  detect: 'detected from the file',
  inferred: 'detected from the values',
  values: 'decided by the values in the column',
  column: 'decided by the values in the column',
  auto: 'detected from the file',
  shape: 'found by its shape',
  pinned: 'pinned in the dataset settings',
  setting: 'pinned in the dataset settings',
  settings: 'pinned in the dataset settings',
  dataset: 'pinned in the dataset settings',
  rerun: 'set for this re-run',
  sep: 'from the file’s sep= line',
  sep_line: 'from the file’s sep= line',
  ambiguous: 'no value decided it, so the dataset’s setting was used',
  default: 'no value decided it, so the default was used (pin it in the dataset settings if wrong)',
  valid_utf8: 'the bytes are valid UTF-8',
  fallback: 'the bytes are not UTF-8, so read as Windows-1252',
};

export function howText(how) {
  if (how === null || how === undefined || how === '') return null;
  const key = String(how).toLowerCase().replace(/[\s-]+/g, '_');
  return HOW[key] || String(how).replace(/_/g, ' ').toLowerCase();
}

/** {value, how} of a decision given as a plain value or an object. */
export function split(decision) {
  if (decision !== null && typeof decision === 'object' && !Array.isArray(decision)) {
    const value = firstOf(decision, ['value', 'decided', 'choice', 'line', 'lines', 'name', 'order', 'style']);
    const how = firstOf(decision, ['how', 'source', 'reason', 'by', 'decidedBy', 'basis', 'why']);
    return { value, how };
  }
  return { value: decision, how: null };
}

function firstOf(object, keys) {
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) return object[key];
  return undefined;
}

const lower = (value) => String(value).toLowerCase();

export function encodingText(value) {
  return value ? String(value) : '—';
}

export function delimiterText(value) {
  return DELIMITERS[value] || (value ? JSON.stringify(value) : '—');
}

export function dateOrderText(value) {
  if (!value) return '—';
  return DATE_ORDERS[lower(value)] || String(value);
}

export function decimalText(value) {
  if (!value) return '—';
  return DECIMALS[lower(value)] || String(value);
}

/** [1, 2, 3, 5] → "lines 1–3 and 5"; a number n → "n lines". */
export function linesText(lines) {
  if (typeof lines === 'number') return lines === 0 ? 'none' : `${lines} ${lines === 1 ? 'line' : 'lines'}`;
  if (!Array.isArray(lines) || lines.length === 0) return 'none';
  const sorted = [...lines].map(Number).sort((a, b) => a - b);
  const ranges = [];
  for (const n of sorted) {
    const last = ranges.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else ranges.push([n, n]);
  }
  const parts = ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`));
  const joined = parts.length < 2 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `${sorted.length === 1 ? 'line' : 'lines'} ${joined}`;
}

function separatorName(c) {
  return { ',': 'comma', '.': 'point', ' ': 'space', '\u00a0': 'space', '\u202f': 'space', "'": 'apostrophe' }[c]
    || `“${c}”`;
}

function sepText(value) {
  if (value === true) return 'yes, honoured and not counted as a record';
  if (value === false || value === null || value === undefined) return 'no';
  return `yes (sep=${value === '\t' ? 'tab' : value}), honoured and not counted as a record`;
}

/** What decided a value, when the decision is only that ("bom", "detected", "sep line", "setting"). */
const HOW_ONLY = new Set(['bom', 'detected', 'detect', 'auto', 'sep line', 'sep_line', 'sep', 'setting', 'settings',
  'pinned', 'default', 'rerun']);

/** {records, text} of a skipped preamble in words: "2 lines (“Campaign report”, “Jan 1 – Jan 31”)". */
function preambleText(value) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const count = Number(value.records ?? value.lines ?? 0);
    if (!count) return 'none';
    // A spreadsheet pads a title line with empty cells ("Campaign report,,,,,"): show the words only.
    const texts = (value.text || []).map((t) => String(t).replace(/^[\s,;\t|]+|[\s,;\t|]+$/g, ''))
      .filter((t) => t).map((t) => `“${t}”`);
    return `${count} ${count === 1 ? 'line' : 'lines'}${texts.length ? ` (${texts.join(', ')})` : ''}`;
  }
  return linesText(value);
}

/**
 * The file-wide decisions as [{key, label, value, how}], in reading order, only those the run reports. `file` is
 * the run's `file` (its encoding and delimiter are the values the decisions explain).
 */
export function fileDecisions(decisions, file = {}) {
  if (!decisions || typeof decisions !== 'object') return [];
  const rows = [];
  const add = (key, label, format, names, fallback) => {
    const name = names.find((n) => decisions[n] !== undefined && decisions[n] !== null);
    if (!name) return;
    let { value, how } = split(decisions[name]);
    if (typeof value === 'string' && HOW_ONLY.has(value.toLowerCase()) && how === null) {
      how = value;
      value = fallback;
    }
    rows.push({ key, label, value: format(value, decisions[name], how), how: howText(how) });
  };
  add('encoding', 'Encoding', (v, raw, how) => encodingText(v)
    + ((raw && raw.bom) || String(how).toLowerCase() === 'bom' ? ' with BOM' : ''), ['encoding'], file.encoding);
  add('delimiter', 'Delimiter', delimiterText, ['delimiter'], file.delimiter);
  add('sep', 'sep= line', sepText, ['sepLine', 'sep']);
  add('preamble', 'Skipped before the header', (v, raw) => preambleText(raw),
    ['preamble', 'skippedLines', 'preambleLines', 'skipped']);
  add('header', 'Header', (v) => (v ? `line ${v}` : '—'), ['headerLine', 'headerRow', 'header']);
  add('dateOrder', 'Date order', dateOrderText, ['dateOrder']);
  add('decimalStyle', 'Decimal style', decimalText, ['decimalStyle', 'numberStyle']);
  return rows;
}

/** The per-column decisions as [{column, dateOrder, decimalStyle, currency, how}], in the run's order. */
export function columnDecisions(decisions) {
  const source = decisions && (decisions.columns || decisions.perColumn || decisions.columnFormats);
  if (!source) return [];
  const list = Array.isArray(source)
    ? source
    : Object.entries(source).map(([column, value]) => ({ column, ...(typeof value === 'object' ? value : {}) }));
  return list.filter((c) => c && (c.column || c.name || c.header)).map((c) => {
    const date = split(c.dateOrder);
    const decimal = split(c.decimalMark ?? c.decimalStyle ?? c.numberStyle);
    const currency = split(c.currency);
    const how = [date.how, decimal.how, currency.how, c.decidedBy ?? c.how ?? c.reason]
      .map(howText).filter(Boolean);
    const thousands = c.thousandsSeparator ? `, ${separatorName(c.thousandsSeparator)} between thousands` : '';
    return {
      column: String(c.column || c.name || c.header),
      field: c.field ? String(c.field) : '',
      dateOrder: date.value ? dateOrderText(date.value) : '',
      decimalStyle: decimal.value ? decimalText(decimal.value) + thousands : '',
      currency: currency.value ? String(currency.value) : '',
      how: [...new Set(how)].join('; '),
    };
  }).filter((c) => c.dateOrder || c.decimalStyle || c.currency);
}
