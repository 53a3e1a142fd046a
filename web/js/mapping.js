// The canonical fields and the header names that suggest them: the same rules as the server's HeaderMatcher
// (functions/src/main/java/dev/sluice/domain/mapping/HeaderMatcher.java), so the preview suggests exactly the
// mapping the import will use.

export const FIELDS = Object.freeze([
  { name: 'date', label: 'Date', required: true },
  { name: 'campaign', label: 'Campaign', required: true },
  { name: 'channel', label: 'Channel', required: true },
  { name: 'spend', label: 'Spend', required: false },
  { name: 'clicks', label: 'Clicks', required: false },
  { name: 'conversions', label: 'Conversions', required: false },
  { name: 'impressions', label: 'Impressions', required: false },
]);

export const SYNONYMS = Object.freeze({
  date: ['Date', 'Day', 'Reporting starts', 'Report date', 'Week'],
  campaign: ['Campaign', 'Campaign name'],
  channel: ['Channel', 'Source / medium', 'Source', 'Medium', 'Platform', 'Network'],
  spend: ['Spend', 'Cost', 'Amount spent', 'Media cost'],
  clicks: ['Clicks', 'Link clicks'],
  conversions: ['Conversions', 'Results', 'Purchases', 'Conv.'],
  impressions: ['Impressions', 'Impr.'],
});

/** Lower case, without a trailing parenthesized part (a currency) and without anything but letters and digits. */
export function normalizeHeader(header) {
  let name = header.trim();
  if (name.endsWith(')')) {
    const open = name.lastIndexOf('(');
    if (open > 0) name = name.slice(0, open);
  }
  return [...name].filter((c) => /[\p{L}\p{Nd}]/u.test(c)).join('').toLowerCase();
}

/**
 * field name → header name for every field a column was recognized for. For each field the synonyms are tried in
 * order and the first column matching one wins; a column feeds at most one field.
 */
export function suggestMapping(header) {
  const normalized = header.map(normalizeHeader);
  const taken = new Set();
  const mapping = {};
  for (const field of FIELDS) {
    search: for (const synonym of SYNONYMS[field.name]) {
      const wanted = normalizeHeader(synonym);
      for (let i = 0; i < normalized.length; i++) {
        if (!taken.has(i) && normalized[i] === wanted) {
          taken.add(i);
          mapping[field.name] = header[i];
          break search;
        }
      }
    }
  }
  return mapping;
}

/** The required fields without a column, in field order. */
export function missingRequired(mapping) {
  return FIELDS.filter((f) => f.required && !mapping[f.name]).map((f) => f.name);
}

/**
 * Maps `field` to `column` (or unmaps it when column is empty) and returns the new mapping and the fields that lost
 * the column, because a column feeds at most one field (the server applies the same rule).
 */
export function assignColumn(mapping, field, column) {
  const next = { ...mapping };
  const displaced = [];
  if (column) {
    for (const [other, header] of Object.entries(next)) {
      if (other !== field && header === column) {
        delete next[other];
        displaced.push(other);
      }
    }
    next[field] = column;
  } else {
    delete next[field];
  }
  return { mapping: next, displaced };
}

/** Fields the server would map by itself although the person chose "not imported": a mapping cannot unmap them. */
export function autoMappedDespiteChoice(header, mapping) {
  const suggested = suggestMapping(header);
  const used = new Set(Object.values(mapping));
  return Object.keys(suggested).filter((field) => !mapping[field] && !used.has(suggested[field]));
}
