// The HTTP side: endpoints from config.json (written by `serve` or at deploy time), JSON calls, presigned PUT.
import { PartFailed, UploadCancelled, isRetryable } from './multipart.js';

/**
 * {apiBase, wsUrl, auth} (auth.md "Web app config"). Without config.json: the API on this origin, no WebSocket (the
 * page polls) and the local sign-in.
 */
export async function loadConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) {
      const config = await response.json();
      return {
        apiBase: (config.apiBase || '/api').replace(/\/$/, ''),
        wsUrl: config.wsUrl || null,
        auth: config.auth && config.auth.kind ? config.auth : { kind: 'local' },
      };
    }
  } catch {
    // no config file: same-origin API
  }
  return { apiBase: '/api', wsUrl: null, auth: { kind: 'local' } };
}

/** The WebSocket URL with the token as ?token=: browsers cannot set an Authorization header on a WebSocket. */
export function socketUrl(wsUrl, token) {
  if (!wsUrl || !token) return wsUrl || null;
  return `${wsUrl}${wsUrl.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export class ApiError extends Error {
  /** details: the API's whole error object (a DUPLICATE names the earlier run in it). */
  constructor(message, status, code, details = null) {
    super(message);
    Object.assign(this, { status, code, details });
  }
}

export const SESSION_ENDED = 'Your session has ended. Sign in again to continue where you were.';

/**
 * JSON calls with the session's token as `Authorization: Bearer`. A 401 (expired or revoked token; on AWS API
 * Gateway answers {"message":"Unauthorized"} itself) calls onUnauthenticated, which returns the page to sign-in.
 */
export function createApi(apiBase, {
  token = () => null, onUnauthenticated = () => {}, fetchImpl = globalThis.fetch,
} = {}) {
  async function call(path, options = {}) {
    const bearer = token();
    let response;
    try {
      response = await fetchImpl(apiBase + path, {
        ...options,
        headers: {
          'Content-Type': 'application/json',
          ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
          ...(options.headers || {}),
        },
      });
    } catch {
      throw new ApiError('Sluice could not be reached. Check your connection; nothing was lost.', 0, 'NETWORK');
    }
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) {
      const error = new ApiError(SESSION_ENDED, 401, 'UNAUTHENTICATED');
      onUnauthenticated(error);
      throw error;
    }
    if (!response.ok) {
      const error = new ApiError(body.error ? body.error.message : `The server answered HTTP ${response.status}.`,
        response.status, body.error ? body.error.code : 'HTTP', body.error || null);
      error.retryAfter = response.headers && response.headers.get('Retry-After');
      throw error;
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
    me: () => call('/me'),
    completeUpload: (runId, parts) => call(`/uploads/${encodeURIComponent(runId)}/complete`,
      { method: 'POST', body: JSON.stringify(parts ? { parts } : {}) }),
    abortUpload: (runId) => call(`/uploads/${encodeURIComponent(runId)}/abort`, { method: 'POST', body: '{}' }),
    listRuns: (limit = 50) => call(`/runs?limit=${limit}`),
    run: (runId) => call(`/runs/${encodeURIComponent(runId)}`),
    errors: page('errors'),
    records: page('records'),
    listDatasets: () => call('/datasets'),
    dataset: (id) => call(`/datasets/${encodeURIComponent(id)}`),
    createDataset: (body) => call('/datasets', { method: 'POST', body: JSON.stringify(body) }),
    updateDataset: (id, body) => call(`/datasets/${encodeURIComponent(id)}`,
      { method: 'PATCH', body: JSON.stringify(body) }),
    deleteDataset: (id) => call(`/datasets/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    datasetRuns: (id, { limit = 50, cursor = null } = {}) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor) query.set('cursor', cursor);
      return call(`/datasets/${encodeURIComponent(id)}/runs?${query}`);
    },
    listSources: (datasetId) => call(`/datasets/${encodeURIComponent(datasetId)}/sources`),
    createSource: (datasetId, body) => call(`/datasets/${encodeURIComponent(datasetId)}/sources`,
      { method: 'POST', body: JSON.stringify(body) }),
    source: (id) => call(`/sources/${encodeURIComponent(id)}`),
    updateSource: (id, body) => call(`/sources/${encodeURIComponent(id)}`,
      { method: 'PATCH', body: JSON.stringify(body) }),
    deleteSource: (id) => call(`/sources/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    pullSource: (id) => call(`/sources/${encodeURIComponent(id)}/pull`, { method: 'POST', body: '{}' }),
    sourcePulls: (id) => call(`/sources/${encodeURIComponent(id)}/pulls`),
    suggestMapping: (body) => call('/mappings/suggest', { method: 'POST', body: JSON.stringify(body) }),
    previewMapping: (body) => call('/mappings/preview', { method: 'POST', body: JSON.stringify(body) }),
    rerun: (runId, body) => call(`/runs/${encodeURIComponent(runId)}/rerun`,
      { method: 'POST', body: JSON.stringify(body) }),
    datasetRows: (id, query) => call(`/datasets/${encodeURIComponent(id)}/rows${query ? `?${query}` : ''}`),
    analytics: (id, query) => call(`/datasets/${encodeURIComponent(id)}/analytics${query ? `?${query}` : ''}`),
    anomalies: (id, query) => call(`/datasets/${encodeURIComponent(id)}/anomalies${query ? `?${query}` : ''}`),
    compareRuns: (id, query) => call(`/datasets/${encodeURIComponent(id)}/compare?${query}`),
    review: (runId) => call(`/runs/${encodeURIComponent(runId)}/review`),
    /** POST /api/runs/{id}/publish|discard|rollback|resume|redrive|cancel: the run JSON as it now is. */
    runAction: (runId, action) => call(`/runs/${encodeURIComponent(runId)}/${action}`, { method: 'POST', body: '{}' }),
    adminRuns: (query) => call(`/admin/runs${query ? `?${query}` : ''}`),
    stats: () => call('/stats'),
    /** GET /api/health answers 503 with the same shape when something is down: {status, body} either way. */
    health: async () => {
      try {
        const response = await fetchImpl(`${apiBase}/health`, { headers: { Accept: 'application/json' } });
        return { status: response.status, body: await response.json().catch(() => null) };
      } catch {
        return { status: 0, body: null };
      }
    },
    /** The absolute URL of an API path, for requests made outside these JSON calls (downloads). */
    url: (path) => new URL(apiBase + path, globalThis.location ? globalThis.location.href : 'http://localhost/').href,
  };
}

const REFUSED = 'The storage service refused the file';

/**
 * One PUT through XMLHttpRequest (fetch reports no upload progress). Sends exactly the headers the URL was signed
 * for; resolves the ETag (null when the bucket's CORS does not expose it); rejects with a PartFailed whose retryable
 * says whether the same URL may work again. The signal aborts it.
 */
export function putBytes(url, body, headers, onBytes, signal = null) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    for (const [name, value] of Object.entries(headers || {})) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onBytes(event.loaded);
    const onAbort = () => request.abort();
    request.onload = () => {
      if (signal) signal.removeEventListener('abort', onAbort);
      if (request.status >= 200 && request.status < 300) {
        resolve(request.getResponseHeader('ETag'));
        return;
      }
      const retryable = isRetryable(request.status);
      reject(new PartFailed(retryable
        ? `the storage service answered HTTP ${request.status}.`
        : `${REFUSED} (HTTP ${request.status}): the link expired or the file changed since it was chosen. `
          + 'Start the import again.',
      request.status, retryable));
    };
    request.onerror = () => reject(new PartFailed('the storage service could not be reached.', 0, true));
    request.onabort = () => reject(new UploadCancelled());
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    request.send(body);
  });
}

/** PUTs a whole file to its single presigned URL with exactly the headers it was signed for; reports bytes sent. */
export async function putFile(upload, file, onProgress, signal = null) {
  try {
    await putBytes(upload.uploadUrl, file, upload.headers, (loaded) => onProgress(loaded, file.size), signal);
  } catch (error) {
    if (error instanceof PartFailed) {
      throw new ApiError(error.retryable
        ? `The upload was interrupted: ${error.message} Start the import again.`
        : error.message, error.status, 'UPLOAD_REFUSED');
    }
    throw error;
  }
  onProgress(file.size, file.size);
}
