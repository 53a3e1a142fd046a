// The server's CSV exports (`GET /api/runs/{id}/errors.csv` and `/records.csv`) fetched with the bearer token: a
// plain link cannot send the Authorization header. A large export answers 303 to a presigned storage URL; fetch
// follows it (the browser drops the Authorization header on the cross-origin hop, as the Fetch standard says, and the
// presigned URL needs none). Pure but for fetch, which is injected.

/** The file name a Content-Disposition header gives (filename* or filename), or null. */
export function dispositionName(header) {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/.exec(header);
  if (!plain) return null;
  const name = (plain[1] ?? plain[2]).trim();
  // Only a base name: a header must not choose a folder.
  return name.split(/[\\/]/).pop() || null;
}

/** "march report.csv" + "errors" → "march report-errors.csv". */
export function downloadName(fileName, suffix) {
  const base = String(fileName || 'run').replace(/\.(csv|tsv|txt)(\.gz)?$/i, '').replace(/\.gz$/i, '');
  return `${base}-${suffix}.csv`;
}

/** A 404 that says the server has no such route (an older server), not that the run is unknown. */
export const isMissingRoute = (error) => !error || /no route/i.test(error.message || '');

export class DownloadError extends Error {
  constructor(message, status, code) {
    super(message);
    Object.assign(this, { status, code });
  }
}

/**
 * {blob, fileName, redirected} of an export, or null when the server has no such endpoint (404 with no error
 * code of the run: an older server; the page then builds the CSV itself). Throws DownloadError with a message a
 * person can act on.
 */
export async function fetchExport(url, { token, fetchImpl = globalThis.fetch, onUnauthenticated = () => {} } = {}) {
  let response;
  try {
    response = await fetchImpl(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, redirect: 'follow' });
  } catch {
    throw new DownloadError('The file could not be fetched: Sluice or its storage could not be reached. '
      + 'Check your connection and try again.', 0, 'NETWORK');
  }
  if (response.status === 401) {
    onUnauthenticated();
    throw new DownloadError('Your session has ended. Sign in again to download.', 401, 'UNAUTHENTICATED');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const error = body && body.error;
    if (response.status === 404 && isMissingRoute(error)) return null;
    throw new DownloadError(error ? error.message : `The server answered HTTP ${response.status}.`,
      response.status, error ? error.code : 'HTTP');
  }
  const blob = await response.blob();
  return {
    blob,
    fileName: dispositionName(response.headers.get('Content-Disposition')),
    redirected: Boolean(response.redirected),
  };
}
