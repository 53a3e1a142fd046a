// Sluice web app: create an upload, PUT the file to the presigned URL, then follow the run until it is final.
'use strict';

const FINAL = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED', 'EXPIRED']);

async function api(path, options = {}) {
  const response = await fetch('/api' + path, {
    ...options,
    headers: { 'Content-Type': 'application/json', ...(options.headers || {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.error ? body.error.message : `HTTP ${response.status}`);
  }
  return body;
}

function parseMapping(text) {
  const mapping = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`Mapping entry "${pair}" should look like field=Header`);
    mapping[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return Object.keys(mapping).length ? mapping : undefined;
}

function putFile(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method, upload.uploadUrl);
    for (const [name, value] of Object.entries(upload.headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    request.onload = () => (request.status < 300 ? resolve() : reject(new Error(`Upload refused (HTTP ${request.status})`)));
    request.onerror = () => reject(new Error('Upload failed: the storage endpoint could not be reached'));
    request.send(file);
  });
}

function runCard(fileName) {
  const card = document.getElementById('run-template').content.firstElementChild.cloneNode(true);
  card.querySelector('.file').textContent = fileName;
  document.getElementById('runs').prepend(card);
  return card;
}

function render(card, run) {
  card.dataset.runId = run.runId;
  const status = card.querySelector('.status');
  status.textContent = run.status;
  status.className = 'status ' + run.status;
  const done = run.stored + run.errors;
  const progress = card.querySelector('progress');
  progress.value = run.records > 0 ? done / run.records : (FINAL.has(run.status) ? 1 : 0);
  card.querySelector('.counts').textContent = run.failure
    ? 'Nothing was loaded from this file.'
    : `${done.toLocaleString()} of ${run.records.toLocaleString()}${run.recordsTotalKnown ? '' : '+'} records · ` +
      `${run.stored.toLocaleString()} stored · ${run.errors.toLocaleString()} rejected` +
      (run.stalled ? ' · no progress for 15 minutes' : '');
  const failure = card.querySelector('.failure');
  failure.hidden = !run.failure;
  if (run.failure) failure.textContent = run.failure.message;
}

async function showErrors(card, runId) {
  const page = await api(`/runs/${runId}/errors?limit=100`);
  if (!page.items.length) return;
  const body = card.querySelector('tbody');
  body.replaceChildren(...page.items.map((e) => {
    const row = document.createElement('tr');
    for (const value of [e.record, e.line ?? '', e.column ?? '', e.code, e.message]) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  }));
  card.querySelector('.errors').hidden = false;
}

async function follow(card, runId) {
  for (;;) {
    const run = await api(`/runs/${runId}`);
    render(card, run);
    if (FINAL.has(run.status)) {
      await showErrors(card, runId);
      return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function importFile(file, datasetId, mapping) {
  const card = runCard(file.name);
  try {
    const upload = await api('/uploads', {
      method: 'POST',
      body: JSON.stringify({ datasetId, fileName: file.name, contentLength: file.size,
        contentType: file.type || 'text/csv', mapping }),
    });
    card.querySelector('.status').textContent = 'UPLOADING';
    await putFile(upload, file, (fraction) => { card.querySelector('progress').value = fraction; });
    await follow(card, upload.runId);
  } catch (error) {
    const failure = card.querySelector('.failure');
    failure.textContent = error.message;
    failure.hidden = false;
  }
}

document.getElementById('upload-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const formError = document.getElementById('form-error');
  formError.hidden = true;
  let mapping;
  try {
    mapping = parseMapping(document.getElementById('mapping').value);
  } catch (error) {
    formError.textContent = error.message;
    formError.hidden = false;
    return;
  }
  const datasetId = document.getElementById('dataset').value.trim() || undefined;
  await Promise.all([...document.getElementById('files').files].map((f) => importFile(f, datasetId, mapping)));
});

api('/runs?limit=20').then((page) => {
  for (const run of page.items.reverse()) {
    const card = runCard(run.fileName);
    render(card, run);
    if (!FINAL.has(run.status)) follow(card, run.runId);
  }
}).catch(() => {});
