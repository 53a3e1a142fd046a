// The HTTP side: endpoints from config.json (written by `serve` or at deploy time), JSON calls, presigned PUT.

/** {apiBase, wsUrl}. Without config.json: the API on this origin and no WebSocket (the page polls). */
export async function loadConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) {
      const config = await response.json();
      return { apiBase: (config.apiBase || '/api').replace(/\/$/, ''), wsUrl: config.wsUrl || null };
    }
  } catch {
    // no config file: same-origin API
  }
  return { apiBase: '/api', wsUrl: null };
}

export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    Object.assign(this, { status, code });
  }
}

export function createApi(apiBase) {
  async function call(path, options = {}) {
    let response;
    try {
      response = await fetch(apiBase + path, {
        ...options,
        headers: { 'Content-Type': 'application/json', ...(options.headers || {}) },
      });
    } catch {
      throw new ApiError('Sluice could not be reached. Check your connection; nothing was lost.', 0, 'NETWORK');
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new ApiError(body.error ? body.error.message : `The server answered HTTP ${response.status}.`,
        response.status, body.error ? body.error.code : 'HTTP');
    }
    return body;
  }
  const page = (kind) => (runId, { limit = 50, cursor = null } = {}) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    return call(`/runs/${encodeURIComponent(runId)}/${kind}?${query}`);
  };
  return {
    createUpload: (request) => call('/uploads', { method: 'POST', body: JSON.stringify(request) }),
    listRuns: (limit = 50) => call(`/runs?limit=${limit}`),
    run: (runId) => call(`/runs/${encodeURIComponent(runId)}`),
    errors: page('errors'),
    records: page('records'),
  };
}

/** PUTs the file to the presigned URL with exactly the headers it was signed for; reports bytes sent. */
export function putFile(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method || 'PUT', upload.uploadUrl);
    for (const [name, value] of Object.entries(upload.headers || {})) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else {
        reject(new ApiError(`The storage service refused the upload (HTTP ${request.status}). Try again; the link is valid for 15 minutes.`, request.status, 'UPLOAD_REFUSED'));
      }
    };
    request.onerror = () => reject(new ApiError('The upload was interrupted: the storage service could not be reached.', 0, 'UPLOAD_FAILED'));
    request.send(file);
  });
}
