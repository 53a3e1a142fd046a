// Sluice web app: sign in, preview and map CSV files in the browser, upload them (one PUT, or parts in parallel for
// big files) with a byte progress bar, watch the runs live over the WebSocket (polling GET /api/runs/{id} while it
// is down), and read a run's errors and records.
import { loadConfig, createApi, putFile, putBytes, socketUrl, SESSION_ENDED } from './api.js';
import { Session, signIn, retryText, retryAtOf } from './auth.js';
import { uploadParts, UploadCancelled } from './multipart.js';
import { sha256Hex } from './checksum.js';
import { readHead } from './file-head.js';
import { previewCsv, PREVIEW_BYTES, detectNumberStyle } from './csv-preview.js';
import { FIELDS, suggestMapping, missingRequired, assignColumn, autoMappedDespiteChoice } from './mapping.js';
import { renderTransforms, mappingWithTransforms, hasTransforms } from './transforms.js';
import { errorsCsv, recordsCsv, fetchAll } from './export.js';
import {
  KINDS, SETTING_CHOICES, kindLabel, settingsOf, settingsSummary, readSettingsForm, checkName, deleteConsequence,
  pickerOrder, pickerLabel, STRATEGIES, MARKETING_KEY, publishOf, readPublishForm, publishSummary,
} from './datasets.js';
import {
  suggestRequest, fromSuggestResponse, browserSuggestion, sourceHeading, sourceExplanation, fieldNote, conflictText,
  mappingSourceText,
} from './suggest.js';
import { fileDecisions, columnDecisions } from './decisions.js';
import { destinationsPanel, deliveriesPanel } from './destinations.js';
import { fetchExport, downloadName, isMissingRoute } from './download.js';
import { LiveConnection } from './live.js';
import { $, el } from './dom.js';
import { runControls, controlsKey } from './run-controls.js';
import { doneText } from './run-actions.js';
import { datasetInsights } from './dataset-insights.js';
import { adminView } from './admin-view.js';
import { sourcesSection, pulledBy } from './sources.js';
import { mergeRun, progressOf, isFinal, recordsDone, stillCounting, RateEstimator } from './progress.js';
import {
  formatCount, formatBytes, formatDuration, formatTime, formatDecimal, statusLabel, explainFailure, delimiterLabel, numberStyleLabel,
} from './format.js';

const POLL_MS = 1000;
const LIST_POLL_MS = 5000;
const SAFETY_POLL_MS = 15000;
const TABLE_PAGE = 25;
const EXPORT_PAGE = 1000;

const clone = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);

const state = {
  config: null,
  session: null,
  signedIn: false,
  user: null,
  // Bumped whenever the person signs in or out: work started for an earlier session drops its results.
  generation: 0,
  api: null,
  live: null,
  previews: [],
  runs: new Map(), // key (runId, or a temporary key while uploading) → entry
  detail: null, // {runId, errors: pager, records: pager}
  datasets: [], // the caller's, as GET /api/datasets lists them
  foreignRuns: new Set(), // other users' runs the admin scope names: not fetched again for "Your runs"
  // false when the server has no /api/datasets (an older one): uploads then go to its default dataset
  datasetsAvailable: true,
};
const DATASET_KEY = 'sluice.dataset';
let previewSeq = 0;
let uploadSeq = 0;

// --------------------------------------------------------------------------------------------- announcements

function announce(text) {
  const announcer = $('#announcer');
  announcer.textContent = '';
  // A change of text is what screen readers announce; clear first so a repeated message is read again.
  requestAnimationFrame(() => { announcer.textContent = text; });
}

// ------------------------------------------------------------------------------------------ picking files

function setUpDropZone() {
  const zone = $('#drop-zone');
  const input = $('#file-input');
  zone.addEventListener('click', () => input.click());
  zone.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      input.click();
    }
  });
  input.addEventListener('change', () => {
    addFiles([...input.files]);
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) zone.addEventListener(type, () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    addFiles([...event.dataTransfer.files]);
  });
  // A file dropped beside the zone must not make the browser navigate away to it.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
}

async function addFiles(files) {
  if (!files.length) return;
  $('#form-error').hidden = true;
  const added = [];
  for (const file of files) {
    const { bytes, complete, gzip } = await readHead(file, PREVIEW_BYTES);
    const item = { id: `p${++previewSeq}`, file, gzip, head: { bytes, complete }, mapping: {}, model: null,
      kind: 'marketing' };
    item.preview = readPreview(item, chosenDataset());
    // The mapping is known before the card shows, so its dropdowns never change under the person's eyes.
    await prepareMapping(item);
    item.node = renderPreview(item);
    state.previews.push(item);
    $('#previews').append(item.node);
    added.push(item);
  }
  $('#import-actions').hidden = false;
  updateImportButton();
  const missing = added.filter((p) => needsMapping(p) && missingRequired(p.mapping).length).length;
  announce(`${added.length} ${added.length === 1 ? 'file' : 'files'} ready to review` +
    (missing ? `; ${missing} need a column chosen before import.` : '.'));
  $('.file-name', added[0].node).focus();
}

/** The file read as the server will read it into this dataset: its pinned settings, its kind's header names. */
function readPreview(item, dataset) {
  return previewCsv(item.head.bytes, {
    complete: item.head.complete, settings: dataset ? dataset.settings : null, kind: dataset ? dataset.kind : 'marketing',
  });
}

const needsMapping = (item) => Boolean(item.preview.header) && item.kind !== 'raw';

/**
 * The mapping step for the chosen dataset: none for a raw dataset; else the server's suggestion (the dataset's saved
 * mapping, or one from header names and values), or the browser's own from a server without the endpoint. Returns
 * false when a later call (another dataset chosen meanwhile) has taken over.
 */
async function prepareMapping(item) {
  const seq = (item.mappingSeq = (item.mappingSeq || 0) + 1);
  const dataset = chosenDataset();
  const kind = dataset ? dataset.kind : 'marketing';
  let model = null;
  if (item.preview.header && kind !== 'raw') {
    if (state.suggestAvailable !== false) {
      try {
        const answer = await state.api.suggestMapping(suggestRequest(item.preview, dataset ? dataset.id : null));
        model = fromSuggestResponse(answer, item.preview.header);
      } catch (error) {
        if (error.status === 404 && isMissingRoute(error.details)) state.suggestAvailable = false;
      }
    }
    model = model || browserSuggestion(item.preview.header);
  }
  if (seq !== item.mappingSeq) return false;
  Object.assign(item, { kind, model, mapping: model ? { ...model.mapping } : {} });
  return true;
}

/** Another dataset chosen: every file waiting for import gets that dataset's mapping step. */
async function remapPreviews() {
  await Promise.all(state.previews.map(async (item) => {
    item.preview = readPreview(item, chosenDataset());
    if (!(await prepareMapping(item))) return;
    const old = item.node;
    const hadFocus = old.contains(document.activeElement);
    item.node = renderPreview(item);
    old.replaceWith(item.node);
    if (hadFocus) $('.file-name', item.node).focus();
  }));
  updateImportButton();
}

function removePreview(item) {
  const index = state.previews.indexOf(item);
  state.previews.splice(index, 1);
  item.node.remove();
  if (!state.previews.length) {
    $('#import-actions').hidden = true;
    $('#drop-zone').focus();
  } else {
    $('.remove', state.previews[Math.min(index, state.previews.length - 1)].node).focus();
  }
  updateImportButton();
}

function renderPreview(item) {
  const node = clone('preview-template');
  const { file, preview } = item;
  const name = $('.file-name', node);
  name.textContent = file.name;
  name.tabIndex = -1;
  $('.remove', node).setAttribute('aria-label', `Remove ${file.name}`);
  $('.remove', node).addEventListener('click', () => removePreview(item));
  node.dataset.previewId = item.id;
  if (preview.problem) {
    const problem = $('.problem', node);
    problem.textContent = preview.problem;
    problem.hidden = false;
    for (const part of ['.facts', '.table-scroll', '.mapping', '.raw-note']) $(part, node).remove();
    return node;
  }
  const facts = $('.facts', node);
  const chip = (label, value) => el('li', { class: 'chip' }, el('span', { class: 'chip-label', text: label }), ` ${value}`);
  facts.append(
    chip('Size', formatBytes(file.size) + (item.gzip ? ' gzip-compressed' : '')),
    chip('Encoding', preview.encoding + (preview.bom ? ' with BOM' : '')),
    chip('Delimiter', delimiterLabel(preview.delimiter)),
    chip('Header', `line ${preview.headerLine}, ${preview.header.length} columns`),
  );
  if (preview.sepLine) facts.append(chip('sep= line', 'honoured, not a record'));
  if (preview.preamble && preview.preamble.length) {
    const n = preview.preamble.length;
    facts.append(chip('Skipped', `${n} ${n === 1 ? 'line' : 'lines'} before the header`));
  }
  const numberChip = chip('Numbers', '');
  numberChip.classList.add('number-style');
  facts.append(numberChip);
  const scroller = $('.table-scroll', node);
  scroller.setAttribute('role', 'region');
  scroller.setAttribute('aria-label', `Preview of ${file.name}`);
  $('caption', node).textContent = `First ${preview.rows.length} ${preview.rows.length === 1 ? 'row' : 'rows'} of ${file.name}, as Sluice will read them`;
  item.node = node;
  refreshPreview(item);
  return node;
}

/** The parts of a preview that depend on the dataset: the mapping step (or the raw note) and the table's head. */
function refreshPreview(item) {
  const node = item.node;
  if (!node || item.preview.problem) return;
  node.dataset.kind = item.kind;
  node.dataset.mappingSource = item.model ? `${item.model.origin}:${item.model.source}` : 'none';
  const raw = item.kind === 'raw';
  $('.mapping', node).hidden = raw;
  $('.number-style', node).hidden = raw;
  const rawNote = $('.raw-note', node);
  rawNote.hidden = !raw;
  rawNote.textContent = raw
    ? `Raw dataset: all ${item.preview.header.length} columns are kept, each value exactly as written in the file.`
    : '';
  renderPreviewTable(item, node);
  if (raw) {
    node.classList.remove('blocked');
    $('.missing', node).hidden = true;
    $('.missing', node).id = `${item.id}-missing`;
  } else {
    renderMapping(item, node);
  }
}

function renderPreviewTable(item, node) {
  const { preview } = item;
  const raw = item.kind === 'raw';
  const fieldOf = Object.fromEntries(Object.entries(item.mapping).map(([field, header]) => [header, field]));
  $('thead tr', node).replaceChildren(
    el('th', { scope: 'col', class: 'line-col', text: 'Line' }),
    ...preview.header.map((h) => el('th', { scope: 'col' }, el('span', { class: 'col-name', text: h }),
      raw ? null
        : fieldOf[h] ? el('span', { class: 'col-field', text: `→ ${fieldOf[h]}` })
          : el('span', { class: 'col-field unmapped', text: 'kept as extra' }))),
  );
  $('tbody', node).replaceChildren(...preview.rows.map((row) => {
    const tr = el('tr', { class: row.fieldCountMismatch ? 'mismatch' : null },
      el('th', { scope: 'row', class: 'line-col', text: String(row.line) }),
      ...preview.header.map((h, i) => {
        const value = row.fields[i] ?? '';
        const required = !raw && ['date', 'campaign', 'channel'].includes(fieldOf[h]);
        return el('td', { text: value, class: required && !value.trim() ? 'blank-required' : null,
          title: required && !value.trim() ? `Empty ${fieldOf[h]}: this row will be rejected (REQUIRED)` : null });
      }));
    if (row.fieldCountMismatch) {
      tr.title = raw && row.fields.length < preview.header.length
        ? `${row.fields.length} fields where the header has ${preview.header.length}: the missing ones are stored empty`
        : `${row.fields.length} fields where the header has ${preview.header.length}: this row will be rejected (FIELD_COUNT)`;
    }
    return tr;
  }));
  if (!raw) {
    const numbers = $('.number-style', node);
    // A dataset that pins its decimal style reads every number so; else the values decide.
    const pinned = { point: 'US', comma: 'EUROPEAN' }[(chosenDataset()?.settings || {}).decimalStyle];
    numbers.lastChild.textContent = ` ${numberStyleLabel(pinned || detectNumberStyle(preview.sampleRows, preview.header, item.mapping, preview.delimiter))}`;
  }
}

function renderMapping(item, node) {
  const { model } = item;
  $('.mapping-source', node).textContent = sourceHeading(model);
  $('.mapping-why', node).textContent = sourceExplanation(model);
  $('.mapping', node).dataset.source = model ? model.source : '';
  const grid = $('.mapping-grid', node);
  grid.replaceChildren(...FIELDS.map((field) => {
    const id = `${item.id}-${field.name}`;
    const select = el('select', { id, name: field.name, 'aria-describedby': `${id}-note ${item.id}-missing` },
      el('option', { value: '', text: field.required ? '— choose —' : '— not imported —' }),
      ...item.preview.header.map((h) => el('option', { value: h, text: h })));
    select.value = item.mapping[field.name] || '';
    select.addEventListener('change', () => {
      const { mapping, displaced } = assignColumn(item.mapping, field.name, select.value);
      item.mapping = mapping;
      renderMapping(item, node);
      renderPreviewTable(item, node);
      $(`#${CSS.escape(id)}`, node).focus();
      if (displaced.length) announce(`${select.value} now feeds ${field.name}; ${displaced.join(', ')} no longer has a column.`);
    });
    // An optional field nothing was found for needs no line of its own.
    const offered = model && (model.mapping[field.name] || (model.hints && model.hints[field.name]));
    const note = !field.required && !item.mapping[field.name] && !offered
      ? '' : fieldNote(model, field.name, item.mapping);
    const changed = model && (model.mapping[field.name] || '') !== (item.mapping[field.name] || '');
    return el('div', { class: `map-field${field.required ? ' required' : ''}`, 'data-field': field.name },
      el('label', { for: id }, field.label, field.required ? el('span', { class: 'req', text: ' required' }) : null),
      select,
      el('small', { id: `${id}-note`, class: `map-note${changed ? ' changed' : ''}`, text: note }));
  }));
  const conflicts = $('.conflicts', node);
  const list = model ? model.conflicts : [];
  conflicts.replaceChildren(...list.map((c) => el('li', { text: conflictText(c, item.mapping) })));
  conflicts.hidden = list.length === 0;
  const dataset = chosenDataset();
  renderTransforms($('.transforms', node), item, { api: state.api, datasetId: dataset ? dataset.id : null });
  $('.missing', node).id = `${item.id}-missing`;
  updateMissing(item, node);
}

function updateMissing(item, node) {
  const missing = missingRequired(item.mapping);
  const message = $('.missing', node);
  for (const field of FIELDS) {
    const select = $(`select[name="${field.name}"]`, node);
    if (missing.includes(field.name)) select.setAttribute('aria-invalid', 'true');
    else select.removeAttribute('aria-invalid');
  }
  message.hidden = missing.length === 0;
  message.textContent = missing.length
    ? `Choose a column for ${listWords(missing)}: Sluice needs date, campaign and channel in every file, so this file cannot be imported yet.`
    : '';
  node.classList.toggle('blocked', missing.length > 0);
  const note = $('.mapping-note', node);
  // Only an older server fills the fields a mapping leaves out from the header names by itself.
  const sticky = item.model && item.model.origin === 'browser'
    ? autoMappedDespiteChoice(item.preview.header, item.mapping) : [];
  note.hidden = sticky.length === 0;
  note.textContent = sticky.length
    ? `Sluice recognises ${listWords(sticky.map((f) => `“${suggestMapping(item.preview.header)[f]}” as ${f}`))} from the header and will still import ${sticky.length === 1 ? 'it' : 'them'}.`
    : '';
  updateImportButton();
}

const listWords = (items) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

function updateImportButton() {
  const count = state.previews.length;
  $('#import-button').textContent = count > 1 ? `Import ${count} files` : 'Import';
}

// ----------------------------------------------------------------------------------------------- importing

async function submitImport(event) {
  event.preventDefault();
  const formError = $('#form-error');
  formError.hidden = true;
  const problems = [];
  let focus = null;
  for (const item of state.previews) {
    if (item.preview.problem) {
      problems.push(`${item.file.name} is not a CSV file Sluice can read; remove it.`);
      focus = focus || $('.remove', item.node);
      continue;
    }
    const missing = needsMapping(item) ? missingRequired(item.mapping) : [];
    if (missing.length) {
      problems.push(`${item.file.name} cannot be imported yet: choose a column for ${listWords(missing)}.`);
      focus = focus || $(`select[name="${missing[0]}"]`, item.node);
    }
  }
  if (!state.previews.length) problems.push('Choose at least one CSV file first.');
  if (problems.length) {
    formError.replaceChildren(...problems.map((p, i) => (i ? [el('br'), p] : [p])).flat());
    formError.hidden = false;
    (focus || $('#drop-zone')).focus();
    return;
  }
  const datasetId = $('#dataset').value || undefined;
  const items = state.previews.splice(0);
  $('#previews').replaceChildren();
  $('#import-actions').hidden = true;
  items.forEach((item) => startImport(item, datasetId));
  // The form's controls are gone; focus waits on the list until the first run's link can take it.
  $('#runs-heading').focus();
  announce(`Uploading ${items.length === 1 ? items[0].file.name : `${items.length} files`}.`);
}

function startImport(item, datasetId, { allowDuplicate = false } = {}) {
  const { file } = item;
  const key = `upload-${item.id}-${++uploadSeq}`;
  const entry = addRunEntry(key, {
    runId: null, fileName: file.name, status: 'PREPARING', records: 0, stored: 0, errors: 0,
    contentLength: file.size, createdAt: new Date().toISOString(),
  }, { prepend: true });
  const generation = state.generation;
  const cancel = new AbortController();
  Object.assign(entry, { upload: { loaded: 0, total: file.size }, cancel, item, datasetId });
  renderRun(entry);
  (async () => {
    let runId = null;
    try {
      const sha256 = await sha256Hex(file).catch(() => null);
      if (cancel.signal.aborted) throw new UploadCancelled();
      const created = await state.api.createUpload({
        fileName: file.name, contentLength: file.size, datasetId,
        contentType: item.gzip ? 'application/gzip' : file.type || 'text/csv',
        mapping: mappingToSend(item), sha256: sha256 || undefined, allowDuplicate: allowDuplicate || undefined,
      });
      runId = created.runId;
      rekey(entry, runId);
      state.live.watchRun(runId);
      entry.run = mergeRun(entry.run, { runId, status: 'UPLOADING' });
      renderRun(entry);
      if (document.activeElement === $('#runs-heading') || document.activeElement === document.body) {
        $('.run-link', entry.node).focus();
      }
      if (cancel.signal.aborted) throw new UploadCancelled();
      const onProgress = (loaded, total) => {
        entry.upload = { loaded, total };
        renderRun(entry);
      };
      if (created.multipart) {
        const parts = await uploadParts({
          file, contentLength: file.size, partSize: created.partSize, parts: created.parts, signal: cancel.signal,
          putPart: (part, body, onBytes, signal) => putBytes(part.url, body, part.headers, onBytes, signal),
          onProgress,
        });
        entry.cancel = null;
        // Without every ETag (a bucket whose CORS hides it) the server lists the parts itself.
        await state.api.completeUpload(runId, parts.every((p) => p.etag) ? parts : null);
      } else {
        await putFile(created, file, onProgress, cancel.signal);
      }
      entry.cancel = null;
      entry.upload = null;
      if (generation !== state.generation) return;
      announce(`${file.name} uploaded; processing.`);
      if (entry.run.status === 'UPLOADING') entry.run = { ...entry.run, status: 'CREATED' };
      renderRun(entry);
      await refreshRun(runId);
    } catch (error) {
      entry.cancel = null;
      entry.upload = null;
      if (generation !== state.generation) return;
      // A run that will get no file is ended now (CANCELLED) instead of waiting to expire; its parts are freed.
      if (runId && error.code !== 'UNAUTHENTICATED') state.api.abortUpload(runId).catch(() => {});
      entry.run = { ...entry.run, final: true, ...uploadOutcome(error, datasetId) };
      renderRun(entry);
      announce(`${file.name}: ${entry.run.failure.message}`);
    }
  })();
  return entry;
}

/**
 * The mapping the person confirmed. A raw dataset takes none. A saved mapping left as proposed is not sent, so the
 * server uses the dataset's own and the run says it was the saved one.
 */
function mappingToSend(item) {
  if (item.kind === 'raw') return undefined;
  const { model, mapping } = item;
  if (hasTransforms(item.transforms)) return mappingWithTransforms(mapping, item.transforms);
  if (model && model.origin === 'server' && model.source === 'saved' && sameMapping(model.mapping, mapping)) {
    return undefined;
  }
  return mapping;
}

const sameMapping = (a, b) => Object.keys(a).length === Object.keys(b).length
  && Object.entries(a).every(([field, column]) => b[field] === column);

/** What the card says when an upload did not get through: the run's status and a failure in the page's words. */
function uploadOutcome(error, datasetId) {
  if (error instanceof UploadCancelled) {
    const message = 'You cancelled the upload; nothing was imported.';
    return { status: 'CANCELLED', failure: { code: 'UPLOAD_ABORTED', message, local: true } };
  }
  if (error.code === 'DUPLICATE') {
    const duplicateOf = error.details && error.details.duplicateOf;
    const known = state.datasets.find((d) => d.id === datasetId);
    const dataset = known ? `the dataset “${known.name}”` : datasetId ? `dataset “${datasetId}”` : 'the default dataset';
    // The server's message is written for API clients (it names the request field); this one names the buttons.
    const message = `The same content (SHA-256) was already imported into ${dataset}, so nothing was uploaded. `
      + 'Open the earlier run, or import this file anyway as a new run.';
    return { status: 'DUPLICATE', duplicateOf, failure: { code: 'DUPLICATE', message, local: true } };
  }
  let message = error.message;
  if (error.status === 429 && error.retryAfter) message += ` ${retryText(retryAtOf(error.retryAfter))}`;
  return { status: 'UPLOAD_FAILED', failure: { code: error.code, message, local: true } };
}

/** "Import anyway" on a 409 DUPLICATE: the same file again, with allowDuplicate, as a new card in this one's place. */
function importAnyway(entry) {
  state.runs.delete(entry.key);
  entry.node.remove();
  const again = startImport(entry.item, entry.datasetId, { allowDuplicate: true });
  $('.run-link', again.node).focus();
  updateRunsCount();
}

// -------------------------------------------------------------------------------------------------- runs list

function addRunEntry(key, run, { prepend = false } = {}) {
  const node = clone('run-template');
  const entry = { key, run, node, estimator: new RateEstimator(), upload: null };
  state.runs.set(key, entry);
  const list = $('#runs');
  if (prepend) list.prepend(node);
  else list.append(node);
  $('#runs-empty').hidden = true;
  updateRunsCount();
  return entry;
}

function rekey(entry, runId) {
  state.runs.delete(entry.key);
  entry.key = runId;
  state.runs.set(runId, entry);
}

function updateRunsCount() {
  const n = state.runs.size;
  $('#runs-count').textContent = n ? `${n} ${n === 1 ? 'run' : 'runs'}` : '';
  $('#runs-empty').hidden = n > 0;
}

/** Why a run that is not final does not move, in words (the API's stalledReason). */
function stalledText(run) {
  if (run.stalledReason === 'WAITING_FOR_REDELIVERY') {
    const until = run.waitingForRedeliveryUntil ? ` by ${formatTime(run.waitingForRedeliveryUntil)}` : '';
    return `A chunk's load did not finish; it is retried automatically${until}. Nothing is lost meanwhile.`;
  }
  return 'This run has not moved for longer than any retry takes, so something outside the normal retry path '
    + 'went wrong. An operator can find it in the logs by its run id.';
}

function summaryText(run, entry) {
  if (entry && entry.upload) {
    const { loaded, total } = entry.upload;
    return `${formatBytes(loaded)} of ${formatBytes(total)} sent`;
  }
  if (run.failure && run.failure.local) return 'Nothing was imported.';
  if (run.status === 'PREPARING') return 'Creating the upload…';
  if (run.status === 'UPLOADING') return 'Starting the upload…';
  const parts = [];
  const done = recordsDone(run);
  if (isFinal(run)) {
    parts.push(`${formatCount(run.records)} ${run.records === 1 ? 'record' : 'records'}`);
  } else if (run.recordsTotalKnown || run.bytesTotal) {
    parts.push(`${formatCount(done)} of ${formatCount(run.records)}${run.recordsTotalKnown ? '' : '+'} records`);
    const { ratePerSec, etaSec } = entry ? entry.estimator.estimate(run) : {};
    if (ratePerSec > 0) parts.push(`${formatCount(Math.round(ratePerSec))} records/s`);
    if (stillCounting(run) && etaSec !== null && etaSec !== undefined && ratePerSec > 0) {
      parts.push(`about ${formatDuration(etaSec)} left`);
    }
  } else if (run.status === 'CREATED') {
    parts.push('waiting for the file');
  } else {
    parts.push(`${formatCount(done)} records so far`);
  }
  parts.push(`${formatCount(run.stored)} stored`, `${formatCount(run.errors)} rejected`);
  if (isFinal(run) && run.createdAt && run.finishedAt) {
    parts.push(`took ${formatDuration((Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000)}`);
  }
  if (run.stalled) parts.push(run.stalledReason === 'WAITING_FOR_REDELIVERY' ? 'waiting for a retry' : 'no progress');
  if (isFinal(run) && run.createdAt) parts.push(formatTime(run.createdAt));
  return parts.join(' · ');
}

function barState(run, entry) {
  if (entry && entry.upload) {
    const { loaded, total } = entry.upload;
    return { fraction: total > 0 ? loaded / total : 0, phase: 'uploading' };
  }
  // An upload the page gave up on (refused, cancelled, a duplicate) processed nothing: no full bar for it.
  if (run.failure && run.failure.local) return { fraction: 0, phase: 'done' };
  const { fraction } = progressOf(run);
  return { fraction, phase: isFinal(run) ? 'done' : 'processing' };
}

function paintBar(bar, run, entry, label) {
  const { fraction, phase } = barState(run, entry);
  const percent = Math.round(fraction * 100);
  bar.setAttribute('aria-valuenow', String(percent));
  bar.setAttribute('aria-valuetext', `${label}: ${phase === 'uploading' ? 'uploaded' : 'processed'} ${percent} %`);
  bar.setAttribute('aria-label', `${label} progress`);
  bar.dataset.phase = phase;
  bar.dataset.tone = toneOf(run.status);
  $('.bar-fill', bar).style.width = `${fraction * 100}%`;
  return percent;
}

const toneOf = (status) => ({
  SUCCEEDED: 'good', PARTIAL: 'warn', FAILED: 'bad', UPLOAD_FAILED: 'bad', DUPLICATE: 'muted', CANCELLED: 'muted', EXPIRED: 'muted',
  ROLLED_BACK: 'muted',
}[status] || 'busy');

function paintBadge(badge, status) {
  badge.textContent = statusLabel(status);
  badge.dataset.tone = toneOf(status);
}

function renderRun(entry) {
  const { run, node } = entry;
  node.dataset.runId = run.runId || '';
  node.dataset.status = run.status;
  const link = $('.run-link', node);
  link.textContent = run.fileName || run.runId;
  if (run.runId) link.href = `#/runs/${run.runId}`;
  else link.removeAttribute('href');
  // The server's run waits (CREATED) until the last byte has arrived; while this page is sending them it says so.
  paintBadge($('.status', node), entry.upload && run.runId ? 'UPLOADING' : run.status);
  const percent = paintBar($('.bar', node), run, entry, run.fileName || 'Run');
  $('.percent', node).textContent = `${entry.upload ? 'Uploading ' : ''}${percent} %`;
  $('.counts', node).textContent = summaryText(run, entry);
  const failure = $('.run-failure', node);
  const explained = explainFailure(run.failure);
  failure.hidden = !explained;
  failure.textContent = explained ? (run.failure.local ? explained.detail : explained.summary) : '';
  renderRunActions(entry);
  renderCardControls(entry);
  if (state.detail && state.detail.runId === run.runId) renderDetailLive(entry);
}

/** Publish, discard, roll back, resume, redrive, cancel: rebuilt only when what they offer changes. */
function renderCardControls(entry) {
  const { run, node } = entry;
  if (entry.upload || !run.runId) return;
  const key = controlsKey(run);
  if (node.dataset.controls === key) return;
  node.dataset.controls = key;
  const old = $('.run-controls', node);
  const hadFocus = old && old.contains(document.activeElement);
  const controls = runControls(run, { api: state.api, announce, onRun: applyActionAnswer, note: entry.note });
  if (old) old.replaceWith(controls);
  else $('.run-main', node).append(controls);
  if (hadFocus) $('.run-link', node).focus();
}

/**
 * The run as an action left it. Replaced, not merged: a redrive takes a PARTIAL run back to LOADING, which a
 * progress merge would refuse. A run that moves again is watched again.
 */
function applyActionAnswer(answer, action) {
  let entry = state.runs.get(answer.runId);
  const before = entry ? entry.run : answer;
  if (!entry) entry = addKnownRun(answer);
  entry.note = doneText(action, before, answer);
  entry.run = { ...answer };
  renderRun(entry);
  if (!isFinal(answer)) {
    state.live.unwatchRun(answer.runId);
    state.live.watchRun(answer.runId);
  }
  if (state.admin) state.admin.update(entry.run);
  datasetRunChanged(answer.runId, answer.datasetId);
}

let datasetRefreshTimer = null;

/** A run of the open dataset finished publishing or was rolled back: its analytics, rows and runs are fetched again. */
async function datasetRunChanged(runId, datasetId = undefined) {
  const page = state.datasetPage;
  if (!page || !page.id || !page.insights) return;
  let id = datasetId ?? state.runs.get(runId)?.run.datasetId;
  if (id === undefined) {
    try {
      id = (await state.api.run(runId)).datasetId;
    } catch {
      return;
    }
  }
  if (id !== page.id || state.datasetPage !== page) return;
  clearTimeout(datasetRefreshTimer);
  datasetRefreshTimer = setTimeout(() => {
    if (state.datasetPage !== page) return;
    page.insights.refresh();
    if (page.dataset) loadDatasetRuns(page.dataset);
  }, 300);
}

/** Cancel while uploading; for a duplicate, the earlier run and (before any byte was sent) "Import anyway". */
function renderRunActions(entry) {
  const { run, node } = entry;
  const actions = $('.run-actions', node);
  const wanted = entry.cancel ? 'cancel' : run.duplicateOf ? `duplicate:${run.duplicateOf}:${Boolean(entry.item)}` : '';
  if (actions.dataset.shows === wanted) return; // rebuilding on every progress tick would steal the keyboard focus
  actions.dataset.shows = wanted;
  const children = [];
  if (entry.cancel) {
    children.push(el('button', { type: 'button', class: 'button ghost compact cancel', text: 'Cancel upload',
      'aria-label': `Cancel the upload of ${run.fileName}`, onclick: () => entry.cancel && entry.cancel.abort() }));
  } else if (run.duplicateOf) {
    children.push(el('a', { class: 'button secondary compact earlier-run', href: `#/runs/${run.duplicateOf}`,
      text: 'Open the earlier run' }));
    if (entry.item && !run.runId) {
      children.push(el('button', { type: 'button', class: 'button ghost compact import-anyway', text: 'Import anyway',
        'aria-label': `Import ${run.fileName} anyway`, onclick: () => importAnyway(entry) }));
    }
  }
  const hadFocus = actions.contains(document.activeElement);
  actions.replaceChildren(...children);
  actions.hidden = children.length === 0;
  if (hadFocus) $('.run-link', node).focus();
}

/** Applies a run update from any source; returns the entry. */
function applyRun(update) {
  let entry = state.runs.get(update.runId);
  if (!entry) return null;
  const wasFinal = isFinal(entry.run);
  const wasStatus = entry.run.status;
  entry.run = mergeRun(entry.run, update);
  // A message has no publication block: a run that reached review (or a new final state) is read from the API, and
  // again on run.review, sent once its review counts are recorded (the first read may come before them).
  if (update.type && !isFinal(entry.run) && (entry.run.status !== wasStatus || update.type === 'run.review')) {
    refreshRun(entry.run.runId);
  }
  if (wasStatus !== entry.run.status && isFinal(entry.run)) datasetRunChanged(entry.run.runId, entry.run.datasetId);
  if (!entry.upload) entry.estimator.add(Date.now(), recordsDone(entry.run));
  renderRun(entry);
  if (!wasFinal && isFinal(entry.run)) {
    const run = entry.run;
    announce(`${run.fileName} ${statusLabel(run.status).toLowerCase()}: ${formatCount(run.stored)} stored, ${formatCount(run.errors)} rejected.`);
    if (update.type) refreshRun(run.runId); // the final message has counters; the API adds file facts and timings
    if (state.detail && state.detail.runId === run.runId) reloadDetailTables();
  }
  return entry;
}

async function refreshRun(runId) {
  const generation = state.generation;
  try {
    const run = await state.api.run(runId);
    if (generation !== state.generation) return;
    // With the admin scope open, the socket also names other users' runs: those stay out of "Your runs".
    if (!state.runs.has(runId) && state.me && run.owner && state.me.sub && run.owner !== state.me.sub) {
      state.foreignRuns.add(runId);
      return;
    }
    if (!state.runs.has(runId)) addKnownRun(run);
    else applyRun(run);
  } catch {
    // the next poll or message brings it
  }
}

function addKnownRun(run, { prepend = true } = {}) {
  // The list or a "mine" message can name a run this page is still creating: that run already has its card.
  const pending = [...state.runs.values()]
    .find((e) => !e.run.runId && !isFinal(e.run) && e.run.fileName === run.fileName);
  if (pending) return pending;
  const entry = addRunEntry(run.runId, run, { prepend });
  entry.estimator.add(Date.now(), recordsDone(run));
  renderRun(entry);
  if (!isFinal(run)) state.live.watchRun(run.runId);
  return entry;
}

async function loadRunList() {
  const generation = state.generation;
  const page = await state.api.listRuns(50);
  if (generation !== state.generation) return;
  const newestFirst = [...page.items].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  const unseen = newestFirst.filter((run) => !state.runs.has(run.runId));
  const firstLoad = state.runs.size === 0;
  for (const run of newestFirst) if (state.runs.has(run.runId)) applyRun(run);
  // new runs (another tab, a partner drop) go on top, in order
  for (const run of (firstLoad ? unseen : unseen.reverse())) addKnownRun(run, { prepend: !firstLoad });
  updateRunsCount();
}

function onLiveMessage(message) {
  if (state.admin) state.admin.message(message);
  if (message.type === 'run.finished' && !state.runs.has(message.runId)) datasetRunChanged(message.runId);
  if (state.runs.has(message.runId)) applyRun(message);
  // A run created elsewhere ("mine" scope): fetch its name and facts.
  else if (!state.foreignRuns.has(message.runId)) refreshRun(message.runId);
}

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  off: 'Refreshing every few seconds',
};

function onLiveState(liveState) {
  const connection = $('#connection');
  connection.dataset.state = liveState;
  $('#connection-text').textContent = CONNECTION_TEXT[liveState];
  document.body.dataset.live = liveState === 'live' ? 'socket' : 'polling';
  const banner = $('#live-banner');
  if (liveState === 'reconnecting') {
    banner.textContent = 'Live updates are paused — reconnecting… Progress still refreshes every second meanwhile.';
    banner.hidden = false;
  } else if (liveState === 'off') {
    banner.textContent = 'Live updates are not configured here; progress is refreshed every second instead.';
    banner.hidden = false;
  } else if (liveState === 'live') {
    banner.hidden = true;
  }
  if (liveState === 'live') {
    // anything that changed while the socket was down: the snapshots cover watched runs, the list covers new ones
    loadRunList().catch(() => {});
    if (state.admin) state.admin.catchUp();
  }
}

/**
 * While the socket is not live, runs that are not final are fetched every second and the list every 5 s. While it
 * is live they are still fetched every 15 s, so a message lost between server and page never freezes a run.
 */
function startPolling(generation) {
  let lastList = Date.now();
  let lastSafety = Date.now();
  const tick = async () => {
    if (generation !== state.generation) return;
    const live = state.live.state === 'live';
    if (!live || Date.now() - lastSafety >= SAFETY_POLL_MS) {
      lastSafety = Date.now();
      const active = [...state.runs.values()].filter((e) => e.run.runId && !e.upload && !isFinal(e.run));
      await Promise.all(active.map((e) => state.api.run(e.run.runId).then(applyRun).catch(() => {})));
    }
    if (!live) {
      if (Date.now() - lastList >= LIST_POLL_MS) {
        lastList = Date.now();
        await loadRunList().catch(() => {});
      }
      // Other users' runs are only in the admin view: it polls them itself.
      if (state.admin) await state.admin.poll();
    }
    setTimeout(tick, POLL_MS);
  };
  setTimeout(tick, POLL_MS);
}

// -------------------------------------------------------------------------------------------------- datasets

function chosenDataset() {
  const id = $('#dataset').value;
  return state.datasets.find((d) => d.id === id) || null;
}

/** The caller's datasets into state and the picker; an older server without datasets leaves only the default. */
async function loadDatasets() {
  const generation = state.generation;
  try {
    const page = await state.api.listDatasets();
    if (generation !== state.generation) return;
    state.datasets = page.datasets || [];
    state.datasetsAvailable = true;
  } catch (error) {
    if (generation !== state.generation || error.code === 'UNAUTHENTICATED') return;
    if (error.status === 404 && isMissingRoute(error.details)) state.datasetsAvailable = false;
  }
  renderPicker();
}

function rememberDataset(dataset) {
  const index = state.datasets.findIndex((d) => d.id === dataset.id);
  if (index >= 0) state.datasets[index] = dataset;
  else state.datasets.unshift(dataset);
  renderPicker();
}

function renderPicker(preferred = null) {
  const select = $('#dataset');
  const wanted = preferred ?? (select.value || sessionStorage.getItem(DATASET_KEY) || '');
  const ordered = pickerOrder(state.datasets);
  const fallback = ordered.find((d) => d.default);
  const options = ordered.map((d) => el('option', { value: d.id, text: pickerLabel(d) }));
  if (!fallback) {
    options.unshift(el('option', { value: '', text: state.datasetsAvailable
      ? 'Default dataset (made with your first import)' : 'Default dataset' }));
  }
  select.replaceChildren(...options);
  select.value = ordered.some((d) => d.id === wanted) ? wanted : fallback ? fallback.id : '';
  $('#manage-datasets').hidden = !state.datasetsAvailable;
  renderPickerHint();
}

function renderPickerHint() {
  const dataset = chosenDataset();
  const saved = dataset && dataset.kind !== 'raw' && dataset.mapping
    && Object.keys(dataset.mapping.columns || {}).length > 0;
  $('#dataset-hint').textContent = dataset
    ? `${kindLabel(dataset.kind)} · ${settingsSummary(dataset.settings)}${saved ? ' · remembers your last mapping' : ''}`
    : 'Marketing · Everything detected from each file';
}

/** Sends the person to the import form with a dataset chosen. */
function importInto(dataset) {
  sessionStorage.setItem(DATASET_KEY, dataset.id);
  renderPicker(dataset.id);
  location.hash = '#/';
  route();
  remapPreviews();
  $('#drop-zone').focus();
  announce(`Files you import now go into the dataset “${dataset.name}”.`);
}

function enterDatasetsView() {
  state.detail = null;
  $('#detail-view').hidden = true;
  $('#detail-view').replaceChildren();
  $('#home-view').hidden = true;
  const view = $('#datasets-view');
  view.hidden = false;
  return view;
}

/** One labelled control per reading setting; `prefix` keeps ids unique, `values` preset them. */
function settingsFields(prefix, values = settingsOf(null)) {
  const select = (name, label) => {
    const id = `${prefix}-${name}`;
    const control = el('select', { id, name },
      ...SETTING_CHOICES[name].map(([value, text]) => el('option', { value, text })));
    control.value = values[name];
    return el('div', { class: 'field' }, el('label', { for: id, text: label }), control);
  };
  const headerId = `${prefix}-headerRow`;
  return el('div', { class: 'settings-grid' },
    select('encoding', 'Encoding'),
    select('delimiter', 'Delimiter'),
    el('div', { class: 'field' },
      el('label', { for: headerId, text: 'Header row' }),
      el('input', { type: 'text', id: headerId, name: 'headerRow', inputmode: 'numeric', autocomplete: 'off',
        placeholder: 'Find it', value: Number(values.headerRow) > 0 ? String(values.headerRow) : '',
        'aria-describedby': `${headerId}-hint` }),
      el('small', { id: `${headerId}-hint`, text: 'Line number of the header; empty: found by its shape' })),
    select('dateOrder', 'Date order'),
    select('decimalStyle', 'Decimal style'));
}

function readSettings(prefix, root) {
  const value = (name) => $(`#${prefix}-${name}`, root).value;
  return readSettingsForm({
    encoding: value('encoding'), delimiter: value('delimiter'), headerRow: value('headerRow'),
    dateOrder: value('dateOrder'), decimalStyle: value('decimalStyle'),
  });
}

function showFormError(form, message, focus) {
  const error = $('.form-error', form);
  error.textContent = message;
  error.hidden = false;
  if (focus) focus.focus();
}

async function openDatasetList() {
  const view = enterDatasetsView();
  state.datasetPage = { id: null };
  document.title = 'Datasets — Sluice';
  view.replaceChildren(el('div', { class: 'detail' },
    el('a', { href: '#/', class: 'back', text: '← Import' }),
    el('div', { class: 'panel-head' },
      el('h1', { tabindex: '-1', id: 'datasets-title', text: 'Datasets' }),
      el('p', { class: 'lede', text: 'A dataset keeps imports together with their kind, how its files are read and '
        + 'the mapping you last confirmed.' })),
    createDatasetCard(),
    el('section', { class: 'panel', 'aria-labelledby': 'dataset-list-h' },
      el('h2', { id: 'dataset-list-h', text: 'Your datasets' }),
      el('ul', { class: 'dataset-list', id: 'dataset-list' }),
      el('p', { class: 'empty', id: 'dataset-list-empty', hidden: true,
        text: 'No datasets yet. Create one above, or import a file: it goes into your default dataset.' }))));
  $('h1', view).focus();
  await loadDatasets();
  if (!state.datasetPage || state.datasetPage.id !== null) return;
  renderDatasetList();
}

function renderDatasetList() {
  const list = $('#dataset-list');
  if (!list) return;
  const datasets = pickerOrder(state.datasets);
  $('#dataset-list-empty').hidden = datasets.length > 0;
  list.replaceChildren(...datasets.map((d) => {
    const last = el('p', { class: 'last-run muted small', text: 'Looking for the last import…' });
    state.api.datasetRuns(d.id, { limit: 1 }).then((page) => {
      const run = (page.runs || [])[0];
      last.textContent = run
        ? `Last import: ${run.fileName} · ${statusLabel(run.status)} · ${formatTime(run.createdAt)}`
        : 'No imports yet';
    }).catch(() => { last.textContent = 'Last import unknown'; });
    return el('li', { class: 'card dataset-item', 'data-dataset-id': d.id },
      el('div', { class: 'dataset-item-head' },
        el('h3', {}, el('a', { href: `#/datasets/${encodeURIComponent(d.id)}`, class: 'dataset-link', text: d.name })),
        el('span', { class: 'badge kind', 'data-kind': d.kind, text: kindLabel(d.kind) }),
        d.default ? el('span', { class: 'badge', 'data-tone': 'muted', text: 'Default' }) : null),
      el('p', { class: 'small', text: settingsSummary(d.settings) }),
      last);
  }));
}

function createDatasetCard() {
  const form = el('form', { id: 'create-dataset', class: 'dataset-form', novalidate: true },
    el('div', { class: 'field' },
      el('label', { for: 'new-name', text: 'Name' }),
      el('input', { type: 'text', id: 'new-name', name: 'name', required: true, maxlength: '100',
        autocomplete: 'off', placeholder: 'Spring ads' })),
    el('fieldset', { class: 'kind-choice' },
      el('legend', { text: 'Kind' }),
      ...KINDS.map((k, i) => el('label', { class: 'kind-option' },
        el('input', { type: 'radio', name: 'kind', value: k.value, checked: i === 0 }),
        el('span', {}, el('strong', { text: k.label }), el('small', { text: k.hint }))))),
    el('details', { class: 'settings-details' },
      el('summary', { text: 'Reading settings (optional: each is detected from the file unless you pin it)' }),
      settingsFields('new')),
    el('p', { class: 'form-error', role: 'alert', hidden: true }),
    el('div', {}, el('button', { type: 'submit', class: 'button primary', text: 'Create dataset' })));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    createDataset(form);
  });
  return el('section', { class: 'card form-card', 'aria-labelledby': 'create-h' },
    el('h2', { id: 'create-h', text: 'New dataset' }), form);
}

async function createDataset(form) {
  $('.form-error', form).hidden = true;
  const name = checkName($('#new-name', form).value);
  if (!name.ok) return showFormError(form, name.message, $('#new-name', form));
  const settings = readSettings('new', form);
  if (!settings.ok) {
    $('details', form).open = true;
    return showFormError(form, settings.message, $(`#new-${settings.field}`, form));
  }
  const kind = $('input[name="kind"]:checked', form).value;
  const button = $('button[type="submit"]', form);
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  button.setAttribute('aria-disabled', 'true');
  try {
    const created = await state.api.createDataset({ name: name.value, kind, settings: settings.value });
    rememberDataset(created);
    announce(`Dataset “${created.name}” created.`);
    location.hash = `#/datasets/${encodeURIComponent(created.id)}`;
  } catch (error) {
    if (error.code !== 'UNAUTHENTICATED') showFormError(form, error.message, $('#new-name', form));
  } finally {
    button.removeAttribute('aria-disabled');
  }
  return undefined;
}

/** @param focusSource a source's id: the page opens at its Sources card with that source marked */
async function openDatasetPage(id, focusSource = null) {
  const view = enterDatasetsView();
  state.datasetPage = { id };
  view.replaceChildren(el('p', { class: 'muted', text: 'Loading the dataset…' }));
  let dataset;
  try {
    dataset = await state.api.dataset(id);
  } catch (error) {
    if (error.code === 'UNAUTHENTICATED' || !state.datasetPage || state.datasetPage.id !== id) return;
    view.replaceChildren(el('div', { class: 'detail' }, el('a', { href: '#/datasets', class: 'back', text: '← Datasets' }),
      el('h1', { tabindex: '-1', text: 'Dataset not found' }), el('p', { text: error.message })));
    $('h1', view).focus();
    return;
  }
  if (!state.datasetPage || state.datasetPage.id !== id) return;
  rememberDataset(dataset);
  renderDatasetPage(view, dataset, focusSource);
  if (focusSource) {
    $('#sources-h', view).focus();
    $('#sources', view).scrollIntoView({ block: 'start' });
  } else {
    $('h1', view).focus();
  }
}

function renderDatasetPage(view, dataset, focusSource = null) {
  document.title = `${dataset.name} — Sluice`;
  const raw = dataset.kind === 'raw';
  const settingsForm = el('form', { id: 'dataset-settings', class: 'dataset-form', novalidate: true },
    el('div', { class: 'field' },
      el('label', { for: 'edit-name', text: 'Name' }),
      el('input', { type: 'text', id: 'edit-name', name: 'name', required: true, maxlength: '100', autocomplete: 'off',
        value: dataset.name })),
    el('p', { class: 'muted small', text: `Kind: ${kindLabel(dataset.kind)}. A dataset's kind cannot change; `
      + 'create another dataset for the other kind.' }),
    settingsFields('edit', settingsOf(dataset)),
    publishFields(dataset),
    el('p', { class: 'form-error', role: 'alert', hidden: true }),
    el('div', { class: 'form-actions' },
      el('button', { type: 'submit', class: 'button primary', text: 'Save changes' }),
      el('p', { class: 'save-status muted', role: 'status' })));
  settingsForm.addEventListener('submit', (event) => {
    event.preventDefault();
    saveDataset(settingsForm, dataset);
  });
  const columns = (dataset.mapping && dataset.mapping.columns) || {};
  const savedMapping = raw ? null : el('section', { class: 'card facts-card', 'aria-labelledby': 'saved-mapping-h' },
    el('h2', { id: 'saved-mapping-h', text: 'Saved mapping' }),
    Object.keys(columns).length
      ? el('table', { class: 'mini-table', id: 'saved-mapping' },
        el('caption', { class: 'visually-hidden', text: 'Which column feeds each field in the next import' }),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Field' }), el('th', { scope: 'col', text: 'Column' }))),
        el('tbody', {}, ...FIELDS.map((f) => el('tr', {}, el('th', { scope: 'row', text: f.label }),
          el('td', { class: columns[f.name] ? null : 'muted', text: columns[f.name] || 'not imported' })))))
      : el('p', { class: 'muted', text: 'None yet: the mapping of your next successful import is kept and proposed '
        + 'for files with the same columns.' }));
  const deleteButton = el('button', { type: 'button', class: 'button danger', id: 'delete-dataset',
    text: 'Delete dataset…', onclick: () => confirmDelete(dataset, deleteButton) });
  view.replaceChildren(el('div', { class: 'detail' },
    el('a', { href: '#/datasets', class: 'back', text: '← Datasets' }),
    el('div', { class: 'detail-head' },
      el('h1', { tabindex: '-1', id: 'dataset-title', text: dataset.name }),
      el('span', { class: 'badge kind', 'data-kind': dataset.kind, text: kindLabel(dataset.kind) }),
      dataset.default ? el('span', { class: 'badge', 'data-tone': 'muted', text: 'Default' }) : null),
    el('p', { class: 'muted', id: 'dataset-summary', text: settingsSummary(dataset.settings) }),
    el('p', { class: 'muted', id: 'dataset-publish-summary', text: `Publishing: ${publishSummary(dataset)}` }),
    el('div', { class: 'dataset-actions' },
      el('button', { type: 'button', class: 'button primary', id: 'import-into',
        text: `Import files into ${dataset.name}`, onclick: () => importInto(dataset) })),
    el('div', { id: 'dataset-insights', class: 'insights' }),
    el('div', { class: 'facts-grid' },
      el('section', { class: 'card form-card', 'aria-labelledby': 'settings-h' },
        el('h2', { id: 'settings-h', text: 'Name, reading and publishing' }), settingsForm),
      savedMapping),
    el('section', { class: 'card table-card', 'aria-labelledby': 'dataset-runs-h' },
      el('h2', { id: 'dataset-runs-h', text: 'Imports into this dataset' }),
      el('div', { id: 'dataset-runs' }, el('p', { class: 'muted', text: 'Loading…' }))),
    destinationsPanel({ datasetId: dataset.id, url: state.api.url, token: () => state.session.token() }),
    sourcesSection(state.api, dataset, { onRun: () => loadDatasetRuns(dataset), focusSource }),
    el('section', { class: 'card danger-card', 'aria-labelledby': 'danger-h' },
      el('h2', { id: 'danger-h', text: 'Delete this dataset' }),
      el('p', { class: 'muted', text: raw
        ? 'Deletes the dataset, its imports, their raw records and row errors, its published data, and its sources '
          + 'and destinations with their stored keys and passwords.'
        : 'Deletes the dataset, its imports, their stored records and row errors, its published data, and its sources '
          + 'and destinations with their stored keys and passwords.' }),
      el('div', {}, deleteButton))));
  loadDatasetRuns(dataset);
  if (state.datasetPage && state.datasetPage.id === dataset.id) {
    state.datasetPage.dataset = dataset;
    state.datasetPage.insights = datasetInsights($('#dataset-insights', view), dataset, {
      api: state.api, announce, download: downloadPath,
      runs: () => state.api.datasetRuns(dataset.id, { limit: 50 }).then((page) => page.runs || []),
    });
  }
}

/** Strategy, key columns (for upsert) and review: the dataset's publish settings. */
function publishFields(dataset) {
  const raw = dataset.kind === 'raw';
  const current = publishOf(dataset);
  const hintOf = (value) => STRATEGIES.find((s) => s.value === value).hint;
  const strategy = el('select', { id: 'edit-strategy', name: 'strategy', 'aria-describedby': 'edit-strategy-hint' },
    ...STRATEGIES.map((s) => el('option', { value: s.value, text: s.label })));
  strategy.value = current.strategy;
  const hint = el('small', { id: 'edit-strategy-hint', text: hintOf(current.strategy) });
  const keyField = el('div', { class: 'field' },
    el('label', { for: 'edit-key', text: 'Key columns' }),
    el('input', { type: 'text', id: 'edit-key', name: 'key', autocomplete: 'off', value: current.key.join(', '),
      placeholder: raw ? 'id' : MARKETING_KEY.join(', '), 'aria-describedby': 'edit-key-hint' }),
    el('small', { id: 'edit-key-hint', text: raw ? 'Header names that identify a row, separated by commas'
      : 'Fields that identify a row; empty: date, campaign, channel' }));
  keyField.hidden = current.strategy !== 'upsert';
  strategy.addEventListener('change', () => {
    hint.textContent = hintOf(strategy.value);
    keyField.hidden = strategy.value !== 'upsert';
  });
  return el('fieldset', { class: 'plain publish-settings' }, el('legend', { text: 'Publishing' }),
    el('div', { class: 'settings-grid' },
      el('div', { class: 'field' }, el('label', { for: 'edit-strategy', text: 'Strategy' }), strategy, hint),
      keyField),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'edit-review', name: 'review',
      checked: current.review }), ' Review each run before it is published (you see what would change, then '
      + 'publish or discard it)'));
}

/** A CSV the server streams (rows.csv): fetched with the token and saved under its own name. */
async function downloadPath(path, fallbackName, status, button) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  status.textContent = 'Preparing the file…';
  try {
    const exported = await fetchExport(state.api.url(path), {
      token: state.session.token(), onUnauthenticated: () => sessionEnded(),
    });
    if (!exported) {
      status.textContent = 'This server cannot export these rows yet.';
      return;
    }
    const name = exported.fileName || fallbackName;
    saveBlob(exported.blob, name);
    status.textContent = `Downloaded ${name} (${formatBytes(exported.blob.size)}).`;
  } catch (error) {
    status.textContent = `The download failed: ${error.message}`;
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

async function loadDatasetRuns(dataset) {
  const target = $('#dataset-runs');
  let page;
  try {
    page = await state.api.datasetRuns(dataset.id, { limit: 50 });
  } catch (error) {
    if (target) target.replaceChildren(el('p', { class: 'error-text', text: error.message }));
    return;
  }
  if (!target || !target.isConnected) return;
  const runs = page.runs || [];
  if (!runs.length) {
    target.replaceChildren(el('p', { class: 'empty', text: 'No imports into this dataset yet.' }));
    return;
  }
  target.replaceChildren(el('div', { class: 'table-scroll', tabindex: '0', role: 'region',
    'aria-labelledby': 'dataset-runs-h' }, el('table', { class: 'data-table runs-table' },
    el('caption', { text: `${runs.length}${page.next ? '+' : ''} ${runs.length === 1 ? 'import' : 'imports'} into ${dataset.name}, newest first` }),
    el('thead', {}, el('tr', {}, ...['File', 'Status', 'Records', 'Stored', 'Rejected', 'Started']
      .map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...runs.map((run) => el('tr', { 'data-run-id': run.runId },
      el('th', { scope: 'row' }, el('a', { href: `#/runs/${run.runId}`, text: run.fileName || run.runId }),
        run.rerunOf ? el('span', { class: 'muted small', text: ' (re-run)' }) : null),
      el('td', {}, el('span', { class: 'badge', 'data-tone': toneOf(run.status), text: statusLabel(run.status) })),
      el('td', { text: formatCount(run.records) }),
      el('td', { text: formatCount(run.stored) }),
      el('td', { text: formatCount(run.errors) }),
      el('td', { text: formatTime(run.createdAt) })))))));
}

async function saveDataset(form, dataset) {
  $('.form-error', form).hidden = true;
  const status = $('.save-status', form);
  status.textContent = '';
  const name = checkName($('#edit-name', form).value);
  if (!name.ok) return showFormError(form, name.message, $('#edit-name', form));
  const settings = readSettings('edit', form);
  if (!settings.ok) return showFormError(form, settings.message, $(`#edit-${settings.field}`, form));
  const publish = readPublishForm({ strategy: $('#edit-strategy', form).value, key: $('#edit-key', form).value,
    review: $('#edit-review', form).checked }, dataset);
  if (!publish.ok) return showFormError(form, publish.message, $(`#edit-${publish.field}`, form));
  try {
    const saved = await state.api.updateDataset(dataset.id, { name: name.value, settings: settings.value,
      ...publish.value });
    rememberDataset(saved);
    Object.assign(dataset, saved);
    $('#dataset-title').textContent = saved.name;
    $('#dataset-summary').textContent = settingsSummary(saved.settings);
    $('#dataset-publish-summary').textContent = `Publishing: ${publishSummary(saved)}`;
    $('#import-into').textContent = `Import files into ${saved.name}`;
    document.title = `${saved.name} — Sluice`;
    status.textContent = `Saved. ${settingsSummary(saved.settings)}.`;
  } catch (error) {
    if (error.code !== 'UNAUTHENTICATED') showFormError(form, error.message, $('#edit-name', form));
  }
  return undefined;
}

/** A modal that names what goes: the dataset, how many imports, their data. Cancel is the default. */
async function confirmDelete(dataset, opener) {
  let count = 0;
  let more = false;
  try {
    const page = await state.api.datasetRuns(dataset.id, { limit: 50 });
    count = (page.runs || []).length;
    more = Boolean(page.next);
  } catch {
    // the sentence then names no number of imports
  }
  const text = deleteConsequence(dataset, count, more);
  const error = el('p', { class: 'form-error', role: 'alert', hidden: true });
  const confirm = el('button', { type: 'button', class: 'button danger', id: 'confirm-delete',
    text: `Delete “${dataset.name}”` });
  const cancel = el('button', { type: 'button', class: 'button secondary', text: 'Cancel', autofocus: true });
  const dialog = el('dialog', { class: 'confirm-dialog', 'aria-labelledby': 'delete-h', 'aria-describedby': 'delete-text' },
    el('h2', { id: 'delete-h', text: `Delete “${dataset.name}”?` }),
    el('p', { id: 'delete-text', text }),
    error,
    el('div', { class: 'dialog-actions' }, cancel, confirm));
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener.isConnected) opener.focus();
  });
  confirm.addEventListener('click', async () => {
    if (confirm.getAttribute('aria-disabled') === 'true') return;
    confirm.setAttribute('aria-disabled', 'true');
    error.hidden = true;
    try {
      await state.api.deleteDataset(dataset.id);
    } catch (problem) {
      confirm.removeAttribute('aria-disabled');
      if (problem.code === 'UNAUTHENTICATED') return;
      error.textContent = problem.message;
      error.hidden = false;
      return;
    }
    forgetDataset(dataset);
    dialog.close();
    announce(`Dataset “${dataset.name}” deleted${count ? ` with its ${more ? 'imports' : `${count} ${count === 1 ? 'import' : 'imports'}`}` : ''}.`);
    location.hash = '#/datasets';
  });
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}

/** A deleted dataset leaves the picker and its runs leave the list. */
function forgetDataset(dataset) {
  state.datasets = state.datasets.filter((d) => d.id !== dataset.id);
  if (sessionStorage.getItem(DATASET_KEY) === dataset.id) sessionStorage.removeItem(DATASET_KEY);
  for (const [key, entry] of [...state.runs]) {
    if (entry.run.datasetId === dataset.id) {
      entry.node.remove();
      state.runs.delete(key);
    }
  }
  updateRunsCount();
  renderPicker('');
}

// ------------------------------------------------------------------------------------------------ run detail

/** Leaves the admin view (its "all" subscription ends) and the dataset page (its chart observer stops). */
function leaveViews(next) {
  if (next !== 'admin') {
    if (state.admin) state.admin.dispose();
    state.admin = null;
    $('#admin-view').hidden = true;
    $('#admin-view').replaceChildren();
  }
  if (state.datasetPage && state.datasetPage.insights) state.datasetPage.insights.dispose();
}

function openAdmin() {
  const view = $('#admin-view');
  state.detail = null;
  state.datasetPage = null;
  for (const id of ['#home-view', '#detail-view', '#datasets-view']) $(id).hidden = true;
  $('#detail-view').replaceChildren();
  $('#datasets-view').replaceChildren();
  view.hidden = false;
  document.title = 'All runs — Sluice';
  if (!state.me || !state.me.admin) {
    view.replaceChildren(el('div', { class: 'detail' }, el('a', { href: '#/', class: 'back', text: '← Your runs' }),
      el('h1', { tabindex: '-1', text: 'Not available' }),
      el('p', { text: 'The view of every user\'s runs is for administrators.' })));
    $('h1', view).focus();
    return;
  }
  if (!state.admin) {
    state.admin = adminView(view, { api: state.api, live: state.live, announce, onRun: applyActionAnswer });
  }
  $('h1', view).focus();
}

function route() {
  if (!state.signedIn) return;
  const match = location.hash.match(/^#\/runs\/([A-Za-z0-9-]{1,64})$/);
  const datasets = location.hash.match(/^#\/datasets(?:\/([A-Za-z0-9_.-]{1,100})(?:\/sources\/([A-Za-z0-9_.-]{1,100}))?)?$/);
  const admin = location.hash === '#/admin';
  leaveViews(admin ? 'admin' : 'other');
  if (admin) {
    openAdmin();
  } else if (match) {
    openDetail(match[1]);
  } else if (datasets) {
    if (datasets[1]) openDatasetPage(datasets[1], datasets[2] || null);
    else openDatasetList();
  } else {
    const previous = state.detail && state.detail.runId;
    state.detail = null;
    state.datasetPage = null;
    $('#detail-view').hidden = true;
    $('#detail-view').replaceChildren();
    $('#datasets-view').hidden = true;
    $('#datasets-view').replaceChildren();
    $('#home-view').hidden = false;
    document.title = 'Sluice — CSV imports';
    const link = previous && $(`.run[data-run-id="${previous}"] .run-link`);
    if (link) link.focus();
  }
}

async function openDetail(runId) {
  const view = $('#detail-view');
  $('#home-view').hidden = true;
  $('#datasets-view').hidden = true;
  $('#datasets-view').replaceChildren();
  state.datasetPage = null;
  view.hidden = false;
  state.detail = { runId, errors: null, records: null };
  view.replaceChildren(el('p', { class: 'muted', text: 'Loading the run…' }));
  let run;
  try {
    run = await state.api.run(runId);
  } catch (error) {
    if (error.code === 'UNAUTHENTICATED' || !state.detail || state.detail.runId !== runId) return;
    view.replaceChildren(el('a', { href: '#/', class: 'back', text: '← All runs' }),
      el('h1', { tabindex: '-1', text: 'Run not found' }), el('p', { text: error.message }));
    $('h1', view).focus();
    return;
  }
  if (!state.detail || state.detail.runId !== runId) return;
  const entry = state.runs.get(runId) ? applyRun(run) : addKnownRun(run);
  state.live.watchRun(runId);
  document.title = `${run.fileName} — Sluice`;
  view.replaceChildren(buildDetail(entry.run));
  renderDetailLive(entry);
  state.detail.errors = pager('errors', runId, $('#errors-section', view));
  state.detail.records = pager('records', runId, $('#records-section', view));
  state.detail.errors.load(null);
  state.detail.records.load(null);
  $('h1', view).focus();
}

function buildDetail(run) {
  const dl = (id, title) => el('section', { class: 'card facts-card', 'aria-labelledby': `${id}-h` },
    el('h2', { id: `${id}-h`, text: title }), el('dl', { id }));
  return el('div', { class: 'detail' },
    el('a', { href: '#/', class: 'back', text: '← All runs' }),
    el('div', { class: 'detail-head' },
      el('h1', { tabindex: '-1', id: 'detail-title', text: run.fileName }),
      el('span', { class: 'badge status', id: 'detail-status' })),
    el('p', { id: 'detail-rerun-of', class: 'rerun-of', hidden: true }),
    el('p', { id: 'detail-pulled-by', class: 'rerun-of', hidden: true }),
    el('section', { class: 'card live-card', 'aria-labelledby': 'detail-progress-h' },
      el('h2', { id: 'detail-progress-h', class: 'visually-hidden', text: 'Progress' }),
      el('div', { class: 'bar big', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0', id: 'detail-bar' },
        el('div', { class: 'bar-fill' })),
      el('p', { class: 'run-line', id: 'detail-line' }),
      el('div', { id: 'detail-failure', class: 'failure-box', hidden: true })),
    el('section', { class: 'card publish-card', id: 'publish-section', hidden: true, 'aria-labelledby': 'publish-h' },
      el('h2', { id: 'publish-h', text: 'Publishing and actions' }), el('div', { id: 'detail-controls' })),
    el('div', { class: 'facts-grid' },
      dl('detail-counters', 'Counters'), dl('detail-timings', 'Timings'), dl('detail-file', 'File'),
      el('section', { class: 'card facts-card', id: 'mapping-section', 'aria-labelledby': 'detail-mapping-h' },
        el('h2', { id: 'detail-mapping-h', text: 'Mapping' }), el('div', { id: 'detail-mapping' }))),
    el('section', { class: 'card facts-card', id: 'decisions-section', hidden: true,
      'aria-labelledby': 'decisions-h' },
    el('h2', { id: 'decisions-h', text: 'How Sluice read the file' }), el('div', { id: 'detail-decisions' })),
    el('section', { class: 'card rerun-card', id: 'rerun-section', hidden: true, 'aria-labelledby': 'rerun-h' }),
    el('section', { class: 'card', id: 'dead-section', hidden: true, 'aria-labelledby': 'dead-h' },
      el('h2', { id: 'dead-h', text: 'Dead chunks' }), el('div', { id: 'dead-chunks' })),
    tableSection('errors-section', 'Row errors', 'Download row errors (CSV)'),
    tableSection('records-section', 'Stored records', 'Download stored records (CSV)'),
    run.runId ? deliveriesPanel({ runId: run.runId, url: state.api.url, token: () => state.session.token() }) : null);
}

function tableSection(id, title, downloadLabel) {
  return el('section', { class: 'card table-card', id, 'aria-labelledby': `${id}-h` },
    el('div', { class: 'table-head' },
      el('h2', { id: `${id}-h`, text: title }),
      el('button', { type: 'button', class: 'button secondary download', text: downloadLabel })),
    el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-h` },
      el('table', { class: 'data-table' }, el('caption'), el('thead'), el('tbody'))),
    el('p', { class: 'empty', hidden: true }),
    el('nav', { class: 'pager', 'aria-label': `${title} pages` },
      el('button', { type: 'button', class: 'button ghost prev', text: '← Previous' }),
      el('span', { class: 'page-info muted' }),
      el('button', { type: 'button', class: 'button ghost next', text: 'Next →' })),
    el('p', { class: 'download-status muted', role: 'status' }));
}

function definitionList(target, pairs) {
  target.replaceChildren(...pairs.flatMap(([term, value]) => [el('dt', { text: term }),
    el('dd', { class: typeof value === 'string' ? null : 'wide' }, value)]));
}

function renderDetailLive(entry) {
  const view = $('#detail-view');
  const { run } = entry;
  if (!$('#detail-bar', view)) return;
  paintBadge($('#detail-status', view), run.status);
  renderDetailControls(entry, view);
  const percent = paintBar($('#detail-bar', view), run, entry, run.fileName);
  $('#detail-line', view).textContent = `${percent} % · ${summaryText(run, entry)}`;
  const failureBox = $('#detail-failure', view);
  const explained = explainFailure(run.failure);
  failureBox.hidden = !explained && !run.stalled;
  failureBox.replaceChildren(...(explained ? [
    el('h2', { text: 'Why nothing was imported' }), el('p', { text: explained.summary }),
    el('p', { class: 'failure-detail' }, el('code', { text: explained.code }), ` ${explained.detail}`)] : []),
  ...(run.duplicateOf
    ? [el('p', {}, el('a', { href: `#/runs/${run.duplicateOf}`, text: 'Open the earlier run' }))] : []),
  ...(run.stalled ? [el('p', { text: stalledText(run) })] : []));
  const chunks = run.chunksTotal ? `${formatCount(run.chunksDone)} of ${formatCount(run.chunksTotal)}`
    : `${formatCount(run.chunksDone || 0)}${isFinal(run) ? '' : ' so far'}`;
  definitionList($('#detail-counters', view), [
    ['Records', formatCount(run.records)],
    ['Stored', formatCount(run.stored)],
    ['Rejected', formatCount(run.errors)],
    ['Chunks loaded', chunks],
    ['Dead chunks', formatCount(run.chunksDead || 0)],
  ]);
  const took = run.finishedAt && run.createdAt ? formatDuration((Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000) : '—';
  definitionList($('#detail-timings', view), [
    ['Created', formatTime(run.createdAt)],
    ['Finished', formatTime(run.finishedAt)],
    ['Took', took],
    ['Last change', formatTime(run.updatedAt)],
  ]);
  const file = run.file || {};
  definitionList($('#detail-file', view), [
    ['Size', formatBytes(run.contentLength)],
    ['Encoding', file.encoding || '—'],
    ['Delimiter', delimiterLabel(file.delimiter)],
    ...(isRaw(run) ? [] : [['Number style', numberStyleLabel(file.numberStyle)]]),
    ['Dataset', datasetLink(run)],
    ['Header', file.header ? el('ul', { class: 'chips header-chips' }, ...file.header.map((h) => el('li', { class: 'chip', text: h }))) : '—'],
  ]);
  renderRerunOf(run);
  renderPulledBy(run);
  renderDecisions(run);
  renderRerun(run);
  $('#mapping-section', view).hidden = isRaw(run);
  const mapping = file.mapping || run.requestedMapping || {};
  const source = mappingSourceText(file.mappingSource);
  const mappedColumns = new Set(Object.values(mapping));
  const unmapped = (file.header || []).filter((h) => !mappedColumns.has(h));
  $('#detail-mapping', view).replaceChildren(el('table', { class: 'mini-table' },
    el('caption', { class: 'visually-hidden', text: 'Which column feeds each field' }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Field' }), el('th', { scope: 'col', text: 'Column' }))),
    el('tbody', {}, ...FIELDS.map((f) => el('tr', {}, el('th', { scope: 'row', text: f.label }),
      el('td', { class: mapping[f.name] ? null : 'muted', text: mapping[f.name] || (run.file ? 'not in file' : '—') })))),
  ), ...(unmapped.length ? [el('p', { class: 'muted small', text: `Kept as extra: ${unmapped.join(', ')}` })] : []),
  ...(source ? [el('p', { class: 'mapping-source-text small', id: 'detail-mapping-source' },
    el('span', { class: 'muted', text: 'Where it came from: ' }), source)] : []));
  const dead = run.deadChunks || [];
  $('#dead-section', view).hidden = dead.length === 0;
  if (dead.length) {
    $('#dead-chunks', view).replaceChildren(dataTable(`Chunks that failed 5 deliveries; their records are CHUNK_FAILED row errors`,
      ['Chunk', 'Records', 'Reason'], dead.map((c) => [c.chunkNo, `${c.firstRecord}–${c.lastRecord}`, c.reason])));
  }
}

/** The run page's review (with samples), publication and action buttons; rebuilt only when they change. */
function renderDetailControls(entry, view) {
  const { run } = entry;
  const section = $('#publish-section', view);
  const holder = $('#detail-controls', view);
  if (!section || entry.upload || !run.runId) return;
  const key = controlsKey(run);
  if (holder.dataset.controls === key) return;
  holder.dataset.controls = key;
  const hadFocus = section.contains(document.activeElement);
  const controls = runControls(run, { api: state.api, announce, onRun: applyActionAnswer, detail: true,
    note: entry.note });
  holder.replaceChildren(controls);
  section.hidden = controls.hidden;
  if (hadFocus) $('#detail-title', view).focus();
}

const isRaw = (run) => run.datasetKind === 'raw'
  || (state.datasets.find((d) => d.id === run.datasetId) || {}).kind === 'raw';

function datasetLink(run) {
  const dataset = state.datasets.find((d) => d.id === run.datasetId);
  if (dataset) return el('a', { href: `#/datasets/${encodeURIComponent(dataset.id)}`, text: dataset.name });
  if (!run.datasetId) return 'default';
  // A dataset made since this tab read its list (over the API, in another tab): read it once, then name it here.
  const shown = el('span', { text: run.datasetId });
  lookUpDataset(run.datasetId).then((found) => {
    if (found && shown.isConnected) shown.replaceWith(datasetLink(run));
  });
  return shown;
}

const datasetLookups = new Map();

/** One GET of a dataset the list lacks; null when it is gone or unreadable (the id stays shown). */
function lookUpDataset(id) {
  if (!datasetLookups.has(id)) {
    datasetLookups.set(id, state.api.dataset(id).then((dataset) => {
      if (dataset && dataset.id === id) {
        rememberDataset(dataset);
        return dataset;
      }
      return null;
    }, () => null));
  }
  return datasetLookups.get(id);
}

/** "Re-run of messy.csv (Dec 1, 2:53 PM)", linking the run it was made from. */
function renderRerunOf(run) {
  const line = $('#detail-rerun-of');
  if (!line) return;
  line.hidden = !run.rerunOf;
  if (!run.rerunOf || line.dataset.of === run.rerunOf) return;
  line.dataset.of = run.rerunOf;
  const link = el('a', { href: `#/runs/${run.rerunOf}`, text: `run ${run.rerunOf}` });
  line.replaceChildren('Re-run of ', link);
  const known = state.runs.get(run.rerunOf);
  const name = (old) => { link.textContent = `${old.fileName} (${formatTime(old.createdAt)})`; };
  if (known && known.run.fileName) name(known.run);
  else state.api.run(run.rerunOf).then(name).catch(() => {});
}

/** "Pulled by source CSV file (URL): https://… · pull 3f2a…", linking the source on its dataset's page. */
function renderPulledBy(run) {
  const line = $('#detail-pulled-by');
  if (!line) return;
  const origin = pulledBy(run);
  line.hidden = !origin;
  if (!origin || line.dataset.of === `${origin.sourceId}/${origin.pullId}`) return;
  line.dataset.of = `${origin.sourceId}/${origin.pullId}`;
  const name = el('span', { class: 'source-name', text: origin.label });
  const source = origin.sourceId && run.datasetId
    ? el('a', { href: `#/datasets/${encodeURIComponent(run.datasetId)}/sources/${encodeURIComponent(origin.sourceId)}`,
      title: 'The dataset\'s sources' }, name)
    : name;
  line.replaceChildren('Pulled by source ', source,
    origin.pullId ? el('span', { class: 'muted', text: ` · pull ${origin.pullId}` }) : null);
  if (!origin.sourceId) return;
  state.api.source(origin.sourceId).then((found) => {
    name.textContent = pulledBy(run, found).label;
  }).catch((problem) => {
    // A deleted source keeps its runs: say so rather than link to nothing.
    if (problem.status === 404 || problem.code === 'NOT_FOUND') name.textContent = `${origin.label} (since deleted)`;
  });
}

function renderDecisions(run) {
  const section = $('#decisions-section');
  if (!section) return;
  const decisions = run.file && run.file.decisions;
  const rows = fileDecisions(decisions, run.file);
  const columns = columnDecisions(decisions);
  section.hidden = rows.length === 0 && columns.length === 0;
  if (section.hidden) return;
  const shown = JSON.stringify(decisions);
  if (section.dataset.shown === shown) return;
  section.dataset.shown = shown;
  $('#detail-decisions', section).replaceChildren(
    el('dl', { class: 'decisions' }, ...rows.flatMap((r) => [
      el('dt', { text: r.label }),
      el('dd', { 'data-decision': r.key }, el('span', { class: 'decision-value', text: r.value }),
        r.how ? el('span', { class: 'decision-how', text: ` — ${r.how}` }) : null)])),
    ...(columns.length ? [el('div', { class: 'table-scroll', tabindex: '0', role: 'region',
      'aria-label': 'How each column was read' }, el('table', { class: 'data-table column-decisions' },
      el('caption', { text: 'Per column: date order, decimal style and currency' }),
      el('thead', {}, el('tr', {}, ...['Column', 'Date order', 'Decimal style', 'Currency', 'How it was decided']
        .map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...columns.map((c) => el('tr', {},
        el('th', { scope: 'row', text: c.field ? `${c.column} → ${c.field}` : c.column }),
        el('td', { text: c.dateOrder || '—' }),
        el('td', { text: c.decimalStyle || '—' }), el('td', { text: c.currency || '—' }),
        el('td', { class: 'wrap', text: c.how || '—' }))))))] : []));
}

/** Runs whose file Sluice kept and read: these can be read again with other settings or another mapping. */
const RERUNNABLE = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED']);

function renderRerun(run) {
  const section = $('#rerun-section');
  if (!section || section.dataset.built === 'true' || !RERUNNABLE.has(run.status) || !run.file) {
    if (section && !RERUNNABLE.has(run.status)) section.hidden = true;
    return;
  }
  section.dataset.built = 'true';
  section.hidden = false;
  const raw = isRaw(run);
  const file = run.file || {};
  const header = file.header || [];
  const dataset = state.datasets.find((d) => d.id === run.datasetId);
  const initialSettings = settingsOf(dataset);
  const initialMapping = { ...(file.mapping || {}) };
  const mappingFields = raw || !header.length ? null : el('fieldset', { class: 'mapping rerun-mapping' },
    el('legend', { text: 'Columns for each field' }),
    el('div', { class: 'mapping-grid' }, ...FIELDS.map((field) => {
      const id = `rerun-map-${field.name}`;
      const select = el('select', { id, name: field.name },
        el('option', { value: '', text: field.required ? '— choose —' : '— not imported —' }),
        ...header.map((h) => el('option', { value: h, text: h })));
      select.value = initialMapping[field.name] || '';
      return el('div', { class: 'map-field' },
        el('label', { for: id }, field.label, field.required ? el('span', { class: 'req', text: ' required' }) : null),
        select);
    })));
  const form = el('form', { id: 'rerun-form', class: 'dataset-form', novalidate: true, hidden: true },
    el('p', { class: 'muted', text: 'Sluice reads the file it kept again, with what you choose here, as a new run. '
      + 'Nothing is uploaded again; this run stays as it is.' }),
    mappingFields,
    el('fieldset', { class: 'plain' }, el('legend', { text: 'Reading settings' }), settingsFields('rerun', initialSettings)),
    el('p', { class: 'form-error', role: 'alert', hidden: true }),
    el('div', { class: 'form-actions' },
      el('button', { type: 'submit', class: 'button primary', id: 'rerun-submit', text: 'Re-run' })));
  const toggle = el('button', { type: 'button', class: 'button secondary', id: 'rerun-toggle',
    'aria-expanded': 'false', 'aria-controls': 'rerun-form', text: 'Re-run with other settings…' });
  toggle.addEventListener('click', () => {
    const open = form.hidden;
    form.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) $('select, input', form).focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitRerun(run, form, { raw, initialMapping, initialSettings });
  });
  section.replaceChildren(el('div', { class: 'table-head' }, el('h2', { id: 'rerun-h', text: 'Re-run' }), toggle), form);
}

async function submitRerun(run, form, { raw, initialMapping, initialSettings }) {
  $('.form-error', form).hidden = true;
  const settings = readSettings('rerun', form);
  if (!settings.ok) return showFormError(form, settings.message, $(`#rerun-${settings.field}`, form));
  const body = {};
  if (!raw && $('.rerun-mapping', form)) {
    const mapping = {};
    for (const select of form.querySelectorAll('.rerun-mapping select')) if (select.value) mapping[select.name] = select.value;
    const missing = missingRequired(mapping);
    if (missing.length) {
      return showFormError(form, `Choose a column for ${listWords(missing)}: Sluice needs date, campaign and channel.`,
        $(`#rerun-map-${missing[0]}`, form));
    }
    if (!sameMapping(mapping, initialMapping)) body.mapping = mapping;
  }
  if (JSON.stringify({ ...initialSettings, ...settings.value }) !== JSON.stringify(initialSettings)
      || Object.keys(body).length === 0) {
    body.settings = settings.value;
  }
  const button = $('#rerun-submit', form);
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  button.setAttribute('aria-disabled', 'true');
  button.textContent = 'Starting the re-run…';
  try {
    const created = await state.api.rerun(run.runId, body);
    if (!state.runs.has(created.runId)) addKnownRun(created);
    announce(`Re-run of ${run.fileName} started.`);
    location.hash = `#/runs/${created.runId}`;
  } catch (error) {
    if (error.code !== 'UNAUTHENTICATED') showFormError(form, error.message, button);
  } finally {
    button.removeAttribute('aria-disabled');
    button.textContent = 'Re-run';
  }
  return undefined;
}

/** A raw run's records: one column per header name, in the file's order, the values as stored. */
function rawColumns(runId, items) {
  const run = state.runs.get(runId)?.run;
  const names = [...((run && run.file && run.file.header) || [])];
  for (const item of items) for (const key of Object.keys(item.data || {})) if (!names.includes(key)) names.push(key);
  return names;
}

function dataTable(caption, head, rows) {
  return el('div', { class: 'table-scroll', tabindex: '0' }, el('table', { class: 'data-table' },
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((v) => el('td', { text: v ?? '' })))))));
}

const TABLES = {
  errors: {
    columns: ['Record', 'Line', 'Column', 'Code', 'Message'],
    row: (e) => [e.record, e.line ?? '', e.column ?? '', el('code', { class: 'code', text: e.code }), e.message],
    labels: ['Record', 'Line', 'Column', '', ''],
    empty: 'No row errors: every record was stored.',
    emptyLive: 'No row errors so far.',
    emptyFailed: 'No row errors: the file failed as a whole, before any row was read (see above).',
    csv: errorsCsv,
    suffix: 'errors',
  },
  records: {
    columns: ['Record', 'Line', 'Date', 'Campaign', 'Channel', 'Spend', 'Clicks', 'Conversions', 'Impressions', 'Other columns'],
    row: (r) => [r.record, r.line, r.date, r.campaign, r.channel, formatDecimal(r.spend, 2), r.clicks, formatDecimal(r.conversions), r.impressions,
      Object.entries(r.extra || {}).map(([k, v]) => `${k}: ${v}`).join('; ')],
    labels: ['Record', 'Line', 'Date', 'Campaign', 'Channel', 'Spend', 'Clicks', 'Conversions', 'Impressions', 'Other'],
    empty: 'No records were stored.',
    emptyLive: 'No records stored yet.',
    emptyFailed: 'No records were stored from this file.',
    csv: recordsCsv,
    suffix: 'records',
  },
};

function pager(kind, runId, section) {
  const spec = TABLES[kind];
  const cursors = [null];
  let pageIndex = 0;
  let nextCursor = null;
  const title = kind === 'errors' ? 'Row errors' : 'Stored records';
  $('thead', section).replaceChildren(el('tr', {}, ...spec.columns.map((c) => el('th', { scope: 'col', text: c }))));
  const load = async (cursor) => {
    const hadFocus = section.contains(document.activeElement);
    const fileName = state.runs.get(runId)?.run.fileName || 'this run';
    let page;
    try {
      page = await state.api[kind](runId, { limit: TABLE_PAGE, cursor });
    } catch (error) {
      $('.empty', section).textContent = error.message;
      $('.empty', section).hidden = false;
      return;
    }
    nextCursor = page.nextCursor;
    const shownRun = state.runs.get(runId)?.run;
    let row = spec.row;
    let labels = spec.labels;
    if (kind === 'records' && shownRun && isRaw(shownRun)) {
      const names = rawColumns(runId, page.items);
      labels = ['Record', 'Line', ...names];
      row = (r) => [r.record, r.line, ...names.map((n) => (r.data || {})[n] ?? '')];
      section.dataset.raw = 'true';
      $('thead', section).replaceChildren(el('tr', {}, ...labels.map((c) => el('th', { scope: 'col', text: c }))));
    }
    const first = pageIndex * TABLE_PAGE + 1;
    $('caption', section).textContent = page.items.length
      ? `${title} of ${fileName}, rows ${first}–${first + page.items.length - 1}`
      : `${title} of ${fileName}`;
    $('tbody', section).replaceChildren(...page.items.map((item) =>
      el('tr', { 'data-record': String(item.record) }, ...row(item).map((v, i) =>
        el(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, 'data-label': labels[i] || null }, v ?? '')))));
    const run = state.runs.get(runId)?.run;
    $('.empty', section).textContent = run && run.failure ? spec.emptyFailed : run && !isFinal(run) ? spec.emptyLive : spec.empty;
    $('.empty', section).hidden = page.items.length > 0;
    $('.table-scroll', section).hidden = page.items.length === 0;
    $('.prev', section).disabled = pageIndex === 0;
    $('.next', section).disabled = !nextCursor;
    $('.pager', section).hidden = pageIndex === 0 && !nextCursor;
    $('.page-info', section).textContent = `Page ${pageIndex + 1}`;
    $('.download', section).hidden = page.items.length === 0 && pageIndex === 0;
    // Next/Previous may just have been disabled under the keyboard focus: keep it in the table.
    if (hadFocus && !section.contains(document.activeElement)) $('.table-scroll', section).focus();
  };
  $('.next', section).addEventListener('click', () => {
    if (!nextCursor) return;
    pageIndex++;
    cursors[pageIndex] = nextCursor;
    load(nextCursor);
  });
  $('.prev', section).addEventListener('click', () => {
    if (pageIndex === 0) return;
    pageIndex--;
    load(cursors[pageIndex]);
  });
  $('.download', section).addEventListener('click', () => download(kind, runId, section));
  return { load: () => load(cursors[pageIndex]) };
}

function reloadDetailTables() {
  if (!state.detail) return;
  state.detail.errors?.load();
  state.detail.records?.load();
}

/** Saves a blob under a name through a temporary link (the way a page starts a download without a server URL). */
function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

async function download(kind, runId, section) {
  const spec = TABLES[kind];
  const button = $('.download', section);
  const status = $('.download-status', section);
  // Not `disabled`: a disabled button drops the keyboard focus on the floor.
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  try {
    const fileName = state.runs.get(runId)?.run.fileName || runId;
    status.textContent = 'Preparing the file…';
    const exported = await fetchExport(state.api.url(`/runs/${encodeURIComponent(runId)}/${spec.suffix}.csv`), {
      token: state.session.token(), onUnauthenticated: () => sessionEnded(),
    });
    if (exported) {
      const name = exported.fileName || downloadName(fileName, spec.suffix);
      saveBlob(exported.blob, name);
      status.textContent = `Downloaded ${name} (${formatBytes(exported.blob.size)}).`;
      return;
    }
    // An older server has no CSV export: the page builds the file from the paginated API.
    const items = await fetchAll((cursor) => state.api[kind](runId, { limit: EXPORT_PAGE, cursor }),
      (n) => { status.textContent = `Preparing the file… ${formatCount(n)} rows`; });
    const base = fileName.replace(/\.[^.]+$/, '');
    // The BOM makes spreadsheets read the file as UTF-8.
    saveBlob(new Blob(['\ufeff', spec.csv(items)], { type: 'text/csv;charset=utf-8' }), `${base}-${spec.suffix}.csv`);
    status.textContent = `Downloaded ${formatCount(items.length)} ${items.length === 1 ? 'row' : 'rows'} as ${base}-${spec.suffix}.csv.`;
  } catch (error) {
    status.textContent = `The download failed: ${error.message}`;
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

// -------------------------------------------------------------------------------------------------- start

function clearPreviews() {
  state.previews.splice(0);
  $('#previews').replaceChildren();
  $('#import-actions').hidden = true;
  $('#form-error').hidden = true;
}

function setUpHome() {
  setUpDropZone();
  $('#import-form').addEventListener('submit', submitImport);
  $('#clear-files').addEventListener('click', () => {
    clearPreviews();
    $('#drop-zone').focus();
  });
  window.addEventListener('hashchange', route);
  $('#dataset').addEventListener('change', () => {
    const dataset = chosenDataset();
    sessionStorage.setItem(DATASET_KEY, $('#dataset').value);
    renderPickerHint();
    announce(`Files you import now go into ${dataset ? `the dataset “${dataset.name}”` : 'the default dataset'}.`);
    remapPreviews();
  });
}

// -------------------------------------------------------------------------------------------- signing in

let retryTimer = null;
let expiryTimer = null;

function showSignIn({ notice = null, email = '' } = {}) {
  document.body.dataset.view = 'signin';
  $('#home-view').hidden = true;
  $('#detail-view').hidden = true;
  $('#signin-view').hidden = false;
  $('#signin-notice').textContent = notice || '';
  $('#signin-notice').hidden = !notice;
  $('#signin-error').hidden = true;
  if (email) $('#signin-email').value = email;
  $('#signin-password').value = '';
  $('#signin-kind').replaceChildren(...(state.config.auth.kind === 'cognito'
    ? ['Sign in with the account your administrator created for you.']
    : ['Local runtime: sign in as one of the users ', el('code', { text: 'serve' }), ' was started with.']));
  document.title = 'Sign in — Sluice';
  ($('#signin-email').value ? $('#signin-password') : $('#signin-email')).focus();
}

function showSignInError(message, focus) {
  const error = $('#signin-error');
  error.textContent = message;
  error.hidden = false;
  if (focus) {
    focus.focus();
    if (focus.select) focus.select();
  }
}

/** A rate-limited sign-in: the button waits until the server will listen again, and the message counts down. */
function waitForRetry(retryAt) {
  const button = $('#signin-button');
  button.setAttribute('aria-disabled', 'true');
  const tick = () => {
    if (Date.now() >= retryAt) {
      button.removeAttribute('aria-disabled');
      $('#signin-error').textContent = 'You can try again now.';
      retryTimer = null;
      return;
    }
    $('#signin-error').textContent = `Too many sign-in attempts. ${retryText(retryAt)}`;
    retryTimer = setTimeout(tick, 1000);
  };
  clearTimeout(retryTimer);
  tick();
}

async function submitSignIn(event) {
  event.preventDefault();
  const button = $('#signin-button');
  // Not `disabled`: a disabled button drops the keyboard focus on the floor.
  if (button.getAttribute('aria-disabled') === 'true') return;
  const email = $('#signin-email');
  const password = $('#signin-password');
  $('#signin-error').hidden = true;
  if (!email.value.trim() || !password.value) {
    showSignInError('Enter your email and your password.', email.value.trim() ? password : email);
    return;
  }
  button.setAttribute('aria-disabled', 'true');
  button.textContent = 'Signing in…';
  let retryAt = null;
  try {
    const answer = await signIn(state.config, { username: email.value.trim(), password: password.value });
    const session = state.session.save(answer);
    password.value = '';
    $('#signin-notice').hidden = true;
    history.replaceState(null, '', state.session.takeReturn() || '#/');
    enterApp(session);
  } catch (error) {
    retryAt = error.retryAt || null;
    showSignInError(error.message, error.code === 'INVALID_CREDENTIALS' ? password : null);
  } finally {
    button.textContent = 'Sign in';
    button.removeAttribute('aria-disabled');
    if (retryAt) waitForRetry(retryAt);
  }
}

function showAccount(user) {
  $('#account-email').textContent = user.email || 'Signed in';
  $('#account-email').title = user.email || '';
  $('#admin-badge').hidden = !user.admin;
  $('#account').hidden = false;
}

/** GET /api/me decides whether the admin view is offered (the token's groups only label the account). */
async function loadMe() {
  const generation = state.generation;
  try {
    const me = await state.api.me();
    if (generation !== state.generation) return;
    state.me = me;
  } catch (error) {
    if (error.code === 'UNAUTHENTICATED') throw error;
    state.me = null;
  }
  $('#admin-link').hidden = !(state.me && state.me.admin);
}

async function enterApp(session) {
  const generation = ++state.generation;
  Object.assign(state, { signedIn: true, user: session.user });
  document.body.dataset.view = 'app';
  showAccount(session.user);
  $('#signin-view').hidden = true;
  $('#home-view').hidden = false;
  $('#connection').hidden = false;
  state.api = createApi(state.config.apiBase, {
    token: () => state.session.token(),
    onUnauthenticated: () => { if (generation === state.generation) sessionEnded(); },
  });
  state.live = new LiveConnection({
    url: () => socketUrl(state.config.wsUrl, state.session.token()), onMessage: onLiveMessage, onState: onLiveState,
  });
  onLiveState(state.live.state);
  try {
    await Promise.all([loadRunList(), loadDatasets(), loadMe()]);
  } catch (error) {
    if (error.code === 'UNAUTHENTICATED') return;
    $('#runs-empty').textContent = `Your runs could not be loaded: ${error.message}`;
    $('#runs-empty').hidden = false;
  }
  if (generation !== state.generation) return;
  updateRunsCount();
  state.live.start();
  startPolling(generation);
  // A quiet page (socket live, nothing running) makes no API call that would meet the 401: end it on time instead.
  clearTimeout(expiryTimer);
  if (typeof session.expiresAtMs === 'number') {
    expiryTimer = setTimeout(() => { if (generation === state.generation) sessionEnded(); },
      Math.min(2 ** 31 - 1, Math.max(0, session.expiresAtMs - Date.now())));
  }
  const focus = document.activeElement;
  if (!focus || focus === document.body || $('#signin-view').contains(focus)) {
    $('#main').focus();
  }
  route();
  document.body.dataset.ready = 'true';
}

/** Everything of the signed-in session leaves the page: runs, the open run, the socket, uploads in flight. */
function leaveApp() {
  state.generation++;
  clearTimeout(expiryTimer);
  state.signedIn = false;
  state.user = null;
  document.body.dataset.ready = 'false';
  if (state.live) state.live.stop();
  for (const entry of state.runs.values()) if (entry.cancel) entry.cancel.abort();
  state.runs.clear();
  state.detail = null;
  $('#runs').replaceChildren();
  $('#runs-empty').textContent = 'No imports yet. Pick a file above to start.';
  updateRunsCount();
  $('#detail-view').replaceChildren();
  $('#datasets-view').replaceChildren();
  state.datasets = [];
  state.foreignRuns.clear();
  leaveViews('none');
  state.datasetPage = null;
  state.me = null;
  $('#admin-link').hidden = true;
  sessionStorage.removeItem(DATASET_KEY);
  $('#account').hidden = true;
  $('#connection').hidden = true;
  $('#live-banner').hidden = true;
}

/** A 401 from the API: the token expired or was refused. Back to sign-in, remembering where the person was. */
function sessionEnded() {
  if (!state.signedIn) return;
  const email = state.user && state.user.email;
  state.session.rememberReturn(location.hash);
  state.session.clear();
  leaveApp();
  showSignIn({ notice: SESSION_ENDED, email });
}

function signOut() {
  // Uploads in flight are ended on the server while the token is still at hand (the header is set synchronously).
  for (const entry of state.runs.values()) {
    if (entry.cancel && entry.run.runId) state.api.abortUpload(entry.run.runId).catch(() => {});
  }
  const email = state.user && state.user.email;
  state.session.clear();
  state.session.takeReturn();
  leaveApp();
  clearPreviews();
  history.replaceState(null, '', '#/');
  showSignIn({ notice: 'You are signed out.', email });
}

// -------------------------------------------------------------------------------------------------- start

async function start() {
  state.config = await loadConfig();
  state.session = new Session(sessionStorage);
  setUpHome();
  $('#signin-form').addEventListener('submit', submitSignIn);
  // The wait is for the name that was refused (and its address); another name may be let in, so let it try.
  $('#signin-email').addEventListener('input', () => {
    if (!retryTimer) return;
    clearTimeout(retryTimer);
    retryTimer = null;
    $('#signin-button').removeAttribute('aria-disabled');
  });
  $('#sign-out').addEventListener('click', signOut);
  const session = state.session.load();
  if (session) {
    enterApp(session);
  } else {
    state.session.rememberReturn(location.hash);
    showSignIn();
  }
}

start();
