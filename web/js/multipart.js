// Multipart upload of one file through presigned part URLs (uploads.md "201, multipart"): a few parts in flight,
// each part retried on its own with backoff, one combined byte count, and a cancel that stops everything. Pure: the
// part PUT, the file slicing and the timers are passed in, so tests drive it without a browser or a network.

/** Parts in flight at once: enough to fill a typical uplink, few enough that a phone is not starved (2–4 asked). */
export const PART_CONCURRENCY = 3;
/** Tries per part, the first included. */
export const PART_ATTEMPTS = 4;
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 8000;

export class UploadCancelled extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.code = 'CANCELLED';
  }
}

/** A part PUT that failed; retryable says whether trying the same URL again can help. */
export class PartFailed extends Error {
  constructor(message, status, retryable) {
    super(message);
    Object.assign(this, { status, retryable, code: 'UPLOAD_REFUSED' });
  }
}

/**
 * Worth another try with the same URL: no answer at all, a timeout, throttling or a server fault. A 400/403/412
 * means the URL or the bytes do not fit (expired, signature, checksum) and would fail again.
 */
export const isRetryable = (status) => status === 0 || status === 408 || status === 429 || status >= 500;

/**
 * Delay before retry n (1-based): 1 s, 2 s, 4 s … up to 8 s, plus up to 20 % jitter so parts do not retry in
 * step.
 */
export function retryDelay(retry, random = Math.random) {
  const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (retry - 1));
  return Math.round(delay * (1 + 0.2 * random()));
}

/**
 * Byte ranges of the parts: part n is [(n-1)·partSize, min(n·partSize, contentLength)). Checked against the sizes
 * the server announced, so a file that changed since it was announced is not sent in pieces that cannot fit.
 */
export function partRanges(contentLength, partSize, parts) {
  if (!(partSize > 0) || !Array.isArray(parts) || parts.length === 0) {
    throw new Error('The server answered a multipart upload without parts; start the import again.');
  }
  const expectedCount = Math.ceil(contentLength / partSize);
  if (parts.length !== expectedCount) {
    throw new Error(`The server planned ${parts.length} parts where ${expectedCount} were expected; `
      + 'start the import again.');
  }
  return parts.map((part, index) => {
    const start = (part.partNumber - 1) * partSize;
    const end = Math.min(part.partNumber * partSize, contentLength);
    if (part.partNumber !== index + 1 || (typeof part.size === 'number' && part.size !== end - start)) {
      throw new Error(`Part ${part.partNumber} does not fit the file (${part.size} bytes announced for `
        + `${end - start}); start the import again.`);
    }
    return { ...part, start, end };
  });
}

/**
 * Uploads every part; resolves [{partNumber, etag}] in part order. putPart(part, body, onBytes, signal) resolves the
 * part's ETag (or null when the browser may not read it) and rejects with a PartFailed. onProgress(sent, total)
 * counts bytes over all parts; a retried part's bytes count again from zero. Rejects with UploadCancelled when the
 * signal aborts, or with the first part that fails all its attempts (the others are then stopped).
 */
export async function uploadParts({
  file, contentLength, partSize, parts, putPart, onProgress = () => {}, signal = null,
  concurrency = PART_CONCURRENCY, attempts = PART_ATTEMPTS, timers = globalThis, random = Math.random,
}) {
  const ranges = partRanges(contentLength, partSize, parts);
  const sent = new Array(ranges.length).fill(0);
  const etags = new Array(ranges.length).fill(null);
  const stopper = new AbortController();
  let failure = null;
  const stop = (error) => {
    if (!failure) failure = error;
    stopper.abort();
  };
  const onAbort = () => stop(new UploadCancelled());
  if (signal) {
    if (signal.aborted) throw new UploadCancelled();
    signal.addEventListener('abort', onAbort, { once: true });
  }
  const report = () => onProgress(sent.reduce((a, b) => a + b, 0), contentLength);
  const wait = (ms) => new Promise((resolve) => {
    const timer = timers.setTimeout(resolve, ms);
    stopper.signal.addEventListener('abort', () => { timers.clearTimeout(timer); resolve(); }, { once: true });
  });

  async function sendPart(index) {
    const range = ranges[index];
    for (let attempt = 1; ; attempt++) {
      if (stopper.signal.aborted) return;
      try {
        etags[index] = await putPart(range, file.slice(range.start, range.end), (loaded) => {
          sent[index] = Math.min(loaded, range.end - range.start);
          report();
        }, stopper.signal);
        sent[index] = range.end - range.start;
        report();
        return;
      } catch (error) {
        if (stopper.signal.aborted) return;
        sent[index] = 0;
        report();
        const retryable = error instanceof PartFailed ? error.retryable : true;
        if (!retryable || attempt >= attempts) {
          const named = `Part ${range.partNumber} of ${ranges.length}: ${error.message}`;
          stop(error instanceof PartFailed ? new PartFailed(named, error.status, false) : error);
          return;
        }
        await wait(retryDelay(attempt, random));
      }
    }
  }

  let next = 0;
  const worker = async () => {
    while (next < ranges.length && !stopper.signal.aborted) await sendPart(next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, ranges.length) }, worker));
  } finally {
    if (signal) signal.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  return ranges.map((range, index) => ({ partNumber: range.partNumber, etag: etags[index] }));
}
