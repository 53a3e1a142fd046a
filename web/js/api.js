// The HTTP side: endpoints from config.json (written by `serve` or at deploy time), JSON calls, presigned PUT.

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
export function createApi(apiBase, { token = () => null, onUnauthenticated = () => {}, fetchImpl = globalThis.fetch } = {}) {
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
      throw new ApiError(body.error ? body.error.message : `The server answered HTTP ${response.status}.`,
        response.status, body.error ? body.error.code : 'HTTP', body.error || null);
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
