// The canonical fields and the header names that suggest them: the same names (English, German, French, Spanish,
// Italian, Dutch, Portuguese; best first) and rules as the server's HeaderSynonyms and HeaderMatcher
// (functions/src/main/java/dev/sluice/domain/mapping/), which a test compares. The server also looks at the
// column values (POST /api/mappings/suggest); this preview goes by the names alone.

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
  date: ['Date', 'Day', 'Datum', 'Tag', 'Jour', 'Fecha', 'Día', 'Data', 'Giorno', 'Dag', 'Reporting starts',
    'Report date', 'Date start', 'Segments date', 'Start date', 'Beginn des Berichtszeitraums', 'Berichtsdatum',
    'Début des rapports', 'Date du rapport', 'Inicio del informe', 'Fecha del informe', 'Inizio dei report',
    'Data del report', 'Begin van rapportage', 'Rapportagedatum', 'Início dos relatórios', 'Data do relatório', 'Week',
    'Woche', 'Semaine', 'Semana', 'Settimana'],
  campaign: ['Campaign', 'Campaign name', 'Kampagne', 'Kampagnenname', 'Name der Kampagne', 'Campagne',
    'Nom de la campagne', 'Campaña', 'Nombre de la campaña', 'Campagna', 'Nome campagna', 'Nome della campagna',
    'Campagnenaam', 'Naam van campagne', 'Campanha', 'Nome da campanha'],
  channel: ['Channel', 'Kanal', 'Canal', 'Canale', 'Kanaal', 'Source / medium', 'Quelle / Medium',
    'Source / support', 'Fuente / medio', 'Sorgente / mezzo', 'Bron / medium', 'Origem / mídia', 'Source', 'Quelle',
    'Fuente', 'Sorgente', 'Bron', 'Origem', 'Medium', 'Support', 'Medio', 'Mezzo', 'Mídia', 'Platform',
    'Publisher platform', 'Plattform', 'Plateforme', 'Plataforma', 'Piattaforma', 'Network', 'Netzwerk', 'Réseau',
    'Red', 'Rete', 'Netwerk', 'Rede'],
  spend: ['Spend', 'Cost', 'Kosten', 'Ausgaben', 'Coût', 'Dépenses', 'Coste', 'Costo', 'Gasto', 'Spesa', 'Uitgaven',
    'Custo', 'Investimento', 'Amount spent', 'Total spent', 'Total spend', 'Total cost', 'Ausgegebener Betrag',
    'Gesamtkosten', 'Montant dépensé', 'Coût total', 'Importe gastado', 'Coste total', 'Importo speso', 'Costo totale',
    'Besteed bedrag', 'Totale kosten', 'Valor usado', 'Valor gasto', 'Custo total', 'Media cost', 'Ad spend',
    'Mediakosten', 'Coût média', 'Coste de medios', 'Costo media', 'Custo de mídia'],
  clicks: ['Clicks', 'Klicks', 'Clics', 'Clic', 'Klikken', 'Cliques', 'Link clicks', 'Total clicks', 'Link-Klicks',
    'Klicks auf Link', 'Clics sur un lien', 'Clics sur le lien', 'Clics en el enlace', 'Clic sul link', 'Linkklikken',
    'Klikken op link', 'Cliques no link'],
  conversions: ['Conversions', 'Konversionen', 'Conversiones', 'Conversioni', 'Conversies', 'Conversões', 'Results',
    'Purchases', 'Conv.', 'Ergebnisse', 'Käufe', 'Résultats', 'Achats', 'Resultados', 'Compras', 'Risultati',
    'Acquisti', 'Resultaten', 'Aankopen'],
  impressions: ['Impressions', 'Impr.', 'Impressionen', 'Impresiones', 'Impressioni', 'Vertoningen', 'Impressies',
    'Weergaven', 'Impressões'],
});

/**
 * Lower case, without accents, without a trailing parenthesized part (a currency) and without anything but letters
 * and digits.
 */
export function normalizeHeader(header) {
  let name = header.trim();
  if (name.endsWith(')')) {
    const open = name.lastIndexOf('(');
    if (open > 0) name = name.slice(0, open);
  }
  // Decomposed, an accented letter is its base letter plus combining marks, which are not letters.
  return [...name.normalize('NFD')].filter((c) => /[\p{L}\p{Nd}]/u.test(c)).join('').toLowerCase();
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
