// Progress math shared by the WebSocket and polling paths. Pure: no DOM.

export const FINAL = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED', 'DUPLICATE', 'CANCELLED', 'EXPIRED', 'ROLLED_BACK']);
const COUNTERS = ['status', 'records', 'stored', 'errors', 'bytesDone', 'bytesTotal', 'chunksDone', 'chunksTotal',
  'ratePerSec', 'etaSec', 'updatedAt'];

export const isFinal = (run) => FINAL.has(run.status) || run.final === true;
/** Counters that only grow during a run, and the order runs move through their states. */
const MONOTONIC = ['records', 'stored', 'errors', 'bytesDone', 'chunksDone'];
const STAGES = ['PREPARING', 'UPLOADING', 'CREATED', 'SPLITTING', 'LOADING', 'REVIEW', 'PUBLISHING'];
const stage = (status) => (FINAL.has(status) ? STAGES.length : STAGES.indexOf(status));

/**
 * Applies a view of a run (a WebSocket message or a GET /api/runs/{id} body) to the one shown. Messages and polls
 * may cross, so an older view never takes the run back: a final run stays final, a state never returns to an
 * earlier one and the counters never go down — until the final view, whose counters are the run's.
 */
export function mergeRun(current, update) {
  if (!current) return { ...update };
  if (isFinal(current) && !isFinal(update)) return current;
  const next = { ...current };
  const fields = update.type ? COUNTERS : Object.keys(update);
  for (const key of fields) if (update[key] !== undefined && key !== 'type') next[key] = update[key];
  if (!isFinal(update)) {
    if (stage(update.status) < stage(current.status)) next.status = current.status;
    for (const key of MONOTONIC) {
      if (typeof current[key] === 'number' && typeof next[key] === 'number') next[key] = Math.max(current[key], next[key]);
    }
  }
  // As in GET /api/runs/{id}: the record total is known once the splitter has counted the chunks.
  if (update.type && typeof update.chunksTotal === 'number') next.recordsTotalKnown = true;
  if (update.type === 'run.finished') next.final = true;
  return next;
}

export const recordsDone = (run) => (run.stored || 0) + (run.errors || 0);

/** {fraction 0..1, basis}: by bytes when known, else by records, else by chunks; a final run is complete. */
export function progressOf(run) {
  if (isFinal(run)) return { fraction: 1, basis: 'final' };
  if (run.bytesTotal > 0 && typeof run.bytesDone === 'number') {
    return { fraction: Math.min(1, run.bytesDone / run.bytesTotal), basis: 'bytes' };
  }
  if (run.recordsTotalKnown && run.records > 0) return { fraction: Math.min(1, recordsDone(run) / run.records), basis: 'records' };
  if (run.chunksTotal > 0) return { fraction: Math.min(1, (run.chunksDone || 0) / run.chunksTotal), basis: 'chunks' };
  return { fraction: 0, basis: 'none' };
}

/** Time left is worth showing only while part of the file is still uncounted (not while publishing or in review). */
export const stillCounting = (run) => progressOf(run).fraction < 1;

/**
 * Records per second and seconds left, from the server when it sends them (WebSocket), else from the polled
 * counters over the last ~10 s.
 */
export class RateEstimator {
  constructor(windowMs = 10000) {
    this.windowMs = windowMs;
    this.samples = [];
  }

  add(timeMs, done) {
    this.samples.push({ timeMs, done });
    while (this.samples.length > 2 && timeMs - this.samples[0].timeMs > this.windowMs) this.samples.shift();
  }

  estimate(run) {
    if (typeof run.ratePerSec === 'number') {
      return { ratePerSec: run.ratePerSec, etaSec: typeof run.etaSec === 'number' ? run.etaSec : null };
    }
    if (this.samples.length < 2) return { ratePerSec: null, etaSec: null };
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.timeMs - first.timeMs) / 1000;
    if (seconds <= 0) return { ratePerSec: null, etaSec: null };
    const rate = (last.done - first.done) / seconds;
    const left = run.recordsTotalKnown ? run.records - recordsDone(run) : null;
    return { ratePerSec: rate, etaSec: rate > 0 && left !== null ? left / rate : null };
  }
}
