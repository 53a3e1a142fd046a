// CSV downloads built in the browser from the paginated API. Pure: no DOM.

/**
 * A spreadsheet treats a cell starting with = + - @ (or a tab or CR before one) as a formula, so a value taken from
 * an uploaded file could run in the analyst's spreadsheet (OWASP "CSV injection"). Such text cells get a leading
 * apostrophe, which spreadsheets show as text. Numbers are written as numbers: a stored metric is never negative.
 */
export function neutralise(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV cell: neutralised, then quoted when it holds a delimiter, quote, line end or edge space. */
export function csvCell(value) {
  const text = neutralise(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Lines end in CRLF (RFC 4180); callers prepend a BOM so spreadsheets read UTF-8. */
export function toCsv(header, rows) {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const ERROR_COLUMNS = ['record', 'line', 'column', 'code', 'message', 'raw'];
export const RECORD_COLUMNS = ['record', 'line', 'date', 'campaign', 'channel', 'spend', 'clicks', 'conversions', 'impressions'];

export function errorsCsv(items) {
  return toCsv(ERROR_COLUMNS, items.map((e) => ERROR_COLUMNS.map((c) => e[c])));
}

/** Stored records with their unmapped columns after the canonical ones, in the order they first appear. */
export function recordsCsv(items) {
  const extra = [];
  for (const item of items) {
    for (const name of Object.keys(item.extra || {})) if (!extra.includes(name)) extra.push(name);
  }
  return toCsv([...RECORD_COLUMNS, ...extra],
    items.map((r) => [...RECORD_COLUMNS.map((c) => r[c]), ...extra.map((name) => (r.extra || {})[name])]));
}

/** Every item of a paginated endpoint: fetchPage(cursor) resolves to {items, nextCursor}. */
export async function fetchAll(fetchPage, onProgress = () => {}) {
  const all = [];
  let cursor = null;
  do {
    const page = await fetchPage(cursor);
    all.push(...page.items);
    onProgress(all.length);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
