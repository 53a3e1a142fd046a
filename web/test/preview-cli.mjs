// Prints what the browser-side preview makes of each file, one JSON object per line, so that WebAppScriptsTest can
// compare it with the server's FileProfiler and an independent CSV parser.
// Usage: node preview-cli.mjs FILE...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { previewCsv, PREVIEW_BYTES } from '../js/csv-preview.js';
import { suggestMapping } from '../js/mapping.js';

for (const file of process.argv.slice(2)) {
  const all = new Uint8Array(readFileSync(file));
  const complete = all.length <= PREVIEW_BYTES;
  const preview = previewCsv(all.subarray(0, PREVIEW_BYTES), { complete, rows: Number.MAX_SAFE_INTEGER });
  console.log(JSON.stringify({
    file: basename(file),
    problem: preview.problem ?? null,
    encoding: preview.encoding ?? null,
    delimiter: preview.delimiter ?? null,
    header: preview.header ?? null,
    mapping: preview.header ? suggestMapping(preview.header) : null,
    records: preview.rows ? preview.rows.map((r) => r.fields) : null,
    lines: preview.rows ? preview.rows.map((r) => r.line) : null,
  }));
}
