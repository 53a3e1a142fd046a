// Reads the start of a CSV file in the browser the way the server's FileProfiler does (encoding, delimiter,
// header), so a person sees what Sluice will make of the file before anything is sent. Pure: no DOM.

export const PREVIEW_BYTES = 256 * 1024;
const DELIMITERS = [',', ';', '\t', '|'];
const DELIMITER_SAMPLE_CHARS = 64 * 1024;
const DELIMITER_SAMPLE_RECORDS = 100;

const startsWith = (bytes, ...prefix) => prefix.every((b, i) => bytes[i] === b);

/** A sentence when the bytes are a known binary format or not text at all; null when they may be CSV. */
export function notTextReason(bytes) {
  if (startsWith(bytes, 0x50, 0x4b, 3, 4)) return 'This is a ZIP archive, most likely an Excel workbook (.xlsx). Open it in Excel and use File › Save As › CSV UTF-8.';
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0)) return 'This is a legacy Excel workbook (.xls). Open it in Excel and use File › Save As › CSV UTF-8.';
  if (startsWith(bytes, 0x1f, 0x8b)) return 'This is a gzip-compressed file. Decompress it and pick the CSV inside.';
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46)) return 'This is a PDF document. Export the report as CSV instead.';
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47) || startsWith(bytes, 0xff, 0xd8, 0xff)) return 'This is an image. Export the report as CSV instead.';
  return null;
}

/** Strict UTF-8; a sequence cut by the end of an incomplete prefix is fine. */
export function isUtf8(bytes, complete) {
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i];
    if (c < 0x80) { i++; continue; }
    let needed; let min;
    if (c >= 0xc2 && c <= 0xdf) { needed = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { needed = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { needed = 3; min = 0x10000; }
    else return false;
    if (i + needed >= bytes.length) {
      if (complete) return false;
      for (let j = i + 1; j < bytes.length; j++) if ((bytes[j] & 0xc0) !== 0x80) return false;
      return true;
    }
    let code = c & (0x3f >> needed);
    for (let j = 1; j <= needed; j++) {
      const next = bytes[i + j];
      if ((next & 0xc0) !== 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += needed + 1;
  }
  return true;
}

/** UTF-16LE/BE when the NUL bytes of the first 64 KiB fall in one parity (ASCII text in UTF-16), else null. */
function utf16WithoutBom(bytes) {
  const scan = Math.min(bytes.length, 64 * 1024);
  let odd = 0; let even = 0;
  for (let i = 0; i < scan; i++) if (bytes[i] === 0) { if (i & 1) odd++; else even++; }
  const half = Math.floor(scan / 2);
  if (odd > half * 0.3 && even < Math.floor(odd / 20)) return 'UTF-16LE';
  if (even > half * 0.3 && odd < Math.floor(even / 20)) return 'UTF-16BE';
  return null;
}

/**
 * {encoding, bomLength}: a byte-order mark decides; else UTF-16 by its NUL bytes; else UTF-8 when valid, else
 * windows-1252 (Excel on Windows).
 */
export function detectEncoding(bytes, complete) {
  if (startsWith(bytes, 0xef, 0xbb, 0xbf)) return { encoding: 'UTF-8', bomLength: 3 };
  if (startsWith(bytes, 0xff, 0xfe)) return { encoding: 'UTF-16LE', bomLength: 2 };
  if (startsWith(bytes, 0xfe, 0xff)) return { encoding: 'UTF-16BE', bomLength: 2 };
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { encoding: utf16, bomLength: 0 };
  return { encoding: isUtf8(bytes, complete) ? 'UTF-8' : 'windows-1252', bomLength: 0 };
}

/**
 * windows-1252's 0x80–0x9F (€, ‚, „, …, –, — and so on). Decoded by hand because some JavaScript runtimes (Node
 * without full ICU) treat the label as latin1; the five unassigned bytes become U+FFFD, as on the server.
 */
const CP1252_HIGH = '€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ';

function decodeWindows1252(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const part = bytes.subarray(i, i + 8192);
    text += String.fromCharCode(...part.map((b) => (b >= 0x80 && b <= 0x9f ? 0 : b)))
      .replace(/\0/g, (_, at) => (part[at] === 0 ? '\0' : CP1252_HIGH[part[at] - 0x80]));
  }
  return text;
}

export function decode(bytes, encoding, bomLength) {
  let body = bytes.subarray(bomLength);
  if (encoding === 'windows-1252') return decodeWindows1252(body);
  if (encoding.startsWith('UTF-16') && body.length % 2) body = body.subarray(0, body.length - 1);
  return new TextDecoder(encoding.toLowerCase(), { ignoreBOM: true }).decode(body);
}

/**
 * Splits text into records. Quoted fields may hold delimiters, line ends and doubled quotes; line ends are LF, CRLF
 * or CR; blank lines are not records. Each record: {fields, line (physical line it starts on, 1-based), ended
 * (false when the text stopped inside it), openQuote}.
 */
export function parseRecords(text, delimiter, { maxRecords = Infinity, complete = true } = {}) {
  const records = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n && records.length < maxRecords) {
    // blank lines are skipped, each counted
    if (text[i] === '\n') { line++; i++; continue; }
    if (text[i] === '\r') { line++; i += text[i + 1] === '\n' ? 2 : 1; continue; }
    const record = { fields: [], line, ended: false, openQuote: false };
    let field = '';
    for (;;) {
      if (i >= n) { record.fields.push(field); record.ended = complete; break; }
      const c = text[i];
      if (c === '"' && field === '' && !record.inField) {
        // quoted field: up to the closing quote, "" is one quote
        i++;
        let closed = false;
        while (i < n) {
          const q = text[i];
          if (q === '"') {
            if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++; closed = true; break;
          }
          if (q === '\r') {
            line++; field += '\r'; i++;
            if (text[i] === '\n') { field += '\n'; i++; }
            continue;
          }
          if (q === '\n') line++;
          field += q; i++;
        }
        if (!closed) { record.openQuote = true; record.fields.push(field); record.ended = complete; break; }
        record.inField = true;
        continue;
      }
      if (c === delimiter) { record.fields.push(field); field = ''; record.inField = false; i++; continue; }
      if (c === '\n' || c === '\r') {
        record.fields.push(field);
        record.ended = true;
        line++;
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        break;
      }
      field += c; record.inField = true; i++;
    }
    delete record.inField;
    records.push(record);
  }
  return records;
}

/** The most common field count of at least two among the whole records, else 1 (0 for none), as the server's. */
export function commonFieldCount(records) {
  const counts = new Map();
  let best = 0; let bestCount = 0;
  for (const r of records) {
    if (!r.ended) continue;
    const f = r.fields.length;
    const n = (counts.get(f) || 0) + 1;
    counts.set(f, n);
    const wide = f >= 2; const bestWide = best >= 2;
    if ((wide && !bestWide) || (wide === bestWide && (n > bestCount || (n === bestCount && f > best)))) {
      best = f; bestCount = n;
    }
  }
  return best;
}

/** Of , ; TAB |: the one under which most of the first records have the same field count (of at least two). */
export function detectDelimiter(text, complete) {
  const sample = text.slice(0, DELIMITER_SAMPLE_CHARS);
  const whole = complete && sample.length === text.length;
  let best = ','; let bestScore = -1; let bestFields = 0;
  for (const candidate of DELIMITERS) {
    const records = parseRecords(sample, candidate, { maxRecords: DELIMITER_SAMPLE_RECORDS, complete: whole });
    const fields = commonFieldCount(records);
    if (fields < 2) continue;
    const compared = records.filter((r) => r.ended);
    const consistent = compared.filter((r) => r.fields.length === fields).length;
    const score = compared.length === 0 ? 1 : consistent / compared.length;
    if (score > bestScore || (score === bestScore && fields > bestFields)) {
      best = candidate; bestScore = score; bestFields = fields;
    }
  }
  return best;
}

/** Excel's first line sep=X: {delimiter, length of the line with its end}, or null. */
export function sepLine(text) {
  const end = text.search(/[\r\n]|$/);
  if (end >= 40) return null;
  const line = text.slice(0, end).replaceAll('"', '').trim();
  const m = /^sep=(.)(\1*)$/i.exec(line);
  if (!m || m[1] === ' ' || m[1].charCodeAt(0) > 0x7e) return null;
  let length = end;
  if (text[length] === '\r') length++;
  if (text[length] === '\n') length++;
  return { delimiter: m[1], length };
}

/**
 * The index of the header among the first records: leading records with fewer than two non-empty values, or fewer
 * than half of the data's field count, are a preamble (a report title, a date range), as on the server.
 */
export function headerIndex(records, pinnedLine = 0, shift = 0) {
  // A dataset may pin the header's physical line instead (-1: no record starts there).
  if (pinnedLine > 0) return records.slice(0, 80).findIndex((r) => r.line + shift === pinnedLine);
  const sample = records.slice(0, 80);
  const fields = commonFieldCount(sample);
  const last = Math.min(50, sample.length - 1);
  let i = 0;
  while (fields >= 2 && i < last && sample[i].ended) {
    const nonEmpty = sample[i].fields.filter((v) => trimField(v) !== '').length;
    if (!(nonEmpty < 2 || nonEmpty * 2 < fields)) break;
    i++;
  }
  if (i === last && i > 0 && sample[i].fields.length < 2) i = 0;
  return i;
}

const SPACE = /^[\s\u00a0\u202f\u2007\x01-\x1f]+|[\s\u00a0\u202f\u2007\x01-\x1f]+$/g;
export const trimField = (value) => value.replace(SPACE, '');

/**
 * Header names as the server keeps them: a marketing dataset trims them and compares them ignoring case, a raw
 * dataset (`exact`) keeps and compares them exactly; a blank one becomes column_N; a repeated one gets _2, _3, …
 * skipping any suffix that is itself a name in the header.
 */
export function headerNames(raw, { exact = false } = {}) {
  const key = (name) => (exact ? name : name.toLowerCase());
  const names = raw.map((value, i) => {
    const name = exact ? value : trimField(value.replaceAll('\ufeff', ''));
    return trimField(name) === '' ? `column_${i + 1}` : name;
  });
  const taken = new Set(names.map(key));
  const seen = new Set();
  return names.map((name) => {
    if (!seen.has(key(name))) {
      seen.add(key(name));
      return name;
    }
    let n = 2;
    let renamed;
    do renamed = `${name}_${n++}`; while (taken.has(key(renamed)));
    taken.add(key(renamed));
    seen.add(key(renamed));
    return renamed;
  });
}

/** +1 if the value can only be US style (1,234.56), -1 if only European (1.234,56), 0 if either or no number. */
export function styleEvidence(value) {
  let points = 0; let commas = 0; let digits = 0; let lastPoint = -1; let lastComma = -1; let kept = '';
  for (const c of value) {
    if (c >= '0' && c <= '9') { digits++; kept += c; }
    else if (c === '.') { points++; lastPoint = kept.length; kept += c; }
    else if (c === ',') { commas++; lastComma = kept.length; kept += c; }
  }
  if (digits === 0 || (points === 0 && commas === 0)) return 0;
  if (points > 0 && commas > 0) return lastPoint > lastComma ? 1 : -1;
  const point = points > 0;
  if ((point ? points : commas) > 1) return point ? -1 : 1;
  const at = point ? lastPoint : lastComma;
  const after = kept.length - at - 1;
  const cannotGroup = after !== 3 || at === 0 || at > 3 || kept[0] === '0';
  if (!cannotGroup) return 0;
  return point ? 1 : -1;
}

/** 'US' or 'EUROPEAN' from the mapped numeric columns of the sampled rows; semicolon files lean European. */
export function detectNumberStyle(rows, header, mapping, delimiter) {
  const columns = ['spend', 'conversions', 'clicks', 'impressions']
    .map((f) => header.indexOf(mapping[f])).filter((i) => i >= 0);
  let vote = 0; let us = 0; let eu = 0;
  for (const row of rows) {
    for (const i of columns) {
      vote = i < row.length ? styleEvidence(row[i]) : 0;
      if (vote > 0) us++; else if (vote < 0) eu++;
    }
  }
  if (us !== eu) return us > eu ? 'US' : 'EUROPEAN';
  return delimiter === ';' ? 'EUROPEAN' : 'US';
}

/** A dataset's pinned encoding, as this reader names it; null for auto. */
function pinnedEncoding(setting, bytes) {
  if (!setting || setting === 'auto') return null;
  const name = setting.toUpperCase();
  const bomLength = name === 'UTF-8' && startsWith(bytes, 0xef, 0xbb, 0xbf) ? 3
    : (name === 'UTF-16LE' && startsWith(bytes, 0xff, 0xfe)) || (name === 'UTF-16BE' && startsWith(bytes, 0xfe, 0xff)) ? 2 : 0;
  if (name === 'UTF-8' || name === 'UTF-16LE' || name === 'UTF-16BE') return { encoding: name, bomLength };
  return { encoding: 'windows-1252', bomLength: 0 };
}

/**
 * Everything the page shows about a file before upload. `bytes` is the start of the file (a Uint8Array),
 * `complete` says whether it is the whole file, `settings` are the dataset's reading settings (pinned ones are used
 * as the server uses them) and `kind` names the header as that kind of dataset does.
 */
export function previewCsv(bytes, { complete = true, rows: rowLimit = 8, settings = null, kind = 'marketing' } = {}) {
  if (bytes.length === 0) return { problem: 'The file is empty (0 bytes). Export the report again and pick the CSV file.' };
  const binary = notTextReason(bytes);
  if (binary) return { problem: binary };
  const pinned = pinnedEncoding(settings && settings.encoding, bytes);
  const { encoding, bomLength } = pinned || detectEncoding(bytes, complete);
  if (!pinned && bomLength === 0 && !encoding.startsWith('UTF-16') && bytes.subarray(0, DELIMITER_SAMPLE_CHARS).includes(0)) {
    return { problem: 'The file contains NUL bytes, so it is binary data rather than CSV text. Check that the right file was picked.' };
  }
  const whole = decode(bytes, encoding, bomLength);
  // Excel's sep= line names the delimiter and is no record; the lines after it keep their numbers.
  const sep = sepLine(whole);
  const text = sep ? whole.slice(sep.length) : whole;
  const shift = sep ? 1 : 0;
  const pinnedDelimiter = settings && settings.delimiter && settings.delimiter !== 'auto' ? settings.delimiter : null;
  const delimiter = pinnedDelimiter || (sep ? sep.delimiter : detectDelimiter(text, complete));
  const all = parseRecords(text, delimiter, { maxRecords: 1 + 200 + 50, complete });
  if (!all.length) return { problem: 'The file holds only blank lines; its first line must be a header such as Date,Campaign,Channel,Spend.', encoding };
  const pinnedLine = settings ? Number(settings.headerRow) || 0 : 0;
  const skipped = headerIndex(all, pinnedLine, shift);
  if (skipped < 0) {
    return { problem: `The dataset's header row is line ${pinnedLine}, but no record starts on that line. Change the dataset's header row, or set it to find the header by its shape.`, encoding };
  }
  const records = all.slice(skipped);
  const header = headerNames(records[0].fields, { exact: kind === 'raw' });
  const data = records.slice(1).filter((r) => r.ended || complete);
  return {
    encoding,
    bom: bomLength > 0,
    delimiter,
    header,
    headerLine: records[0].line + shift,
    sepLine: Boolean(sep),
    preamble: all.slice(0, skipped).map((r) => r.fields.join(delimiter)),
    rows: data.slice(0, rowLimit).map((r) => ({ line: r.line + shift, fields: r.fields, fieldCountMismatch: r.fields.length !== header.length, openQuote: r.openQuote })),
    sampleRows: data.map((r) => r.fields),
    recordsSeen: data.length,
    complete,
  };
}

export function delimiterName(delimiter) {
  return { ',': 'comma (,)', ';': 'semicolon (;)', '\t': 'tab', '|': 'pipe (|)' }[delimiter] || JSON.stringify(delimiter);
}
