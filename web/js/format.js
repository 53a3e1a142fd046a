// Words and numbers as people read them. Pure: no DOM.

const number = new Intl.NumberFormat('en-US');
export const formatCount = (n) => (typeof n === 'number' && Number.isFinite(n) ? number.format(n) : '—');

export function formatBytes(bytes) {
  if (typeof bytes !== 'number') return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A time of today as "2:53:34 PM", of another day as "Dec 1, 2:53 PM" (with the year when not this year). */
export function formatTime(iso, now = new Date()) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString(undefined, { timeStyle: 'medium' });
  const options = { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
  if (date.getFullYear() !== now.getFullYear()) options.year = 'numeric';
  return date.toLocaleString(undefined, options);
}

/** Money and other decimals as the API returns them (plain numbers), grouped for reading. */
export function formatDecimal(value, minimumFractionDigits = 0) {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  return Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits, maximumFractionDigits: 6 }) : String(value);
}

export const STATUS_LABELS = {
  PREPARING: 'Preparing',
  UPLOADING: 'Uploading',
  CREATED: 'Waiting for upload',
  SPLITTING: 'Reading file',
  LOADING: 'Loading',
  REVIEW: 'In review',
  PUBLISHING: 'Publishing',
  SUCCEEDED: 'Imported',
  PARTIAL: 'Imported with errors',
  FAILED: 'Failed',
  DUPLICATE: 'Already imported',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Never uploaded',
  ROLLED_BACK: 'Rolled back',
  UPLOAD_FAILED: 'Upload failed',
};
export const statusLabel = (status) => STATUS_LABELS[status] || status;

/** What a failure code means for the person who uploaded the file, before the server's exact message. */
export const FAILURE_EXPLANATIONS = {
  EMPTY_FILE: 'The file holds no data rows, so there was nothing to import.',
  UNREADABLE_FILE: 'The file is not CSV text, so Sluice could not read any rows from it.',
  MISSING_COLUMNS: 'A column Sluice needs in every file (date, campaign or channel) was not found, so no row could be imported.',
  UNKNOWN_COLUMN: 'The chosen mapping names a column the file does not have.',
  HEADER_TOO_LONG: 'The first line of the file never ends within 1 MB; usually a quote (") in the header is left open.',
  FILE_TOO_LARGE: 'The file is larger than this Sluice accepts (the limit is in the message).',
  SPLIT_FAILED: 'Sluice could not read the stored file to split it. This is on our side and has been logged; try importing it again.',
  NOT_CSV: 'The file is not CSV text but another kind of file (an image, archive, PDF, spreadsheet or program) '
    + 'with a CSV name; nothing was stored. Export it as CSV and import that.',
  TOO_LARGE: 'The compressed file unpacks to more than this Sluice accepts, so reading stopped at the limit and '
    + 'nothing was stored.',
  DUPLICATE: 'The same file (byte for byte) was already imported into this dataset, so nothing was stored again.',
  SIZE_MISMATCH: 'The stored file is not the size announced when the upload started; nothing was imported. '
    + 'Start the import again.',
  CHECKSUM_MISMATCH: 'The stored file is not the file announced when the upload started (its SHA-256 differs); '
    + 'nothing was imported. Start the import again.',
  TOO_MANY_COLUMNS: 'The header has more columns than Sluice accepts, so no row was imported.',
  FIELD_TOO_LONG: 'A field is longer than Sluice accepts (often a quote left open), so no row was imported.',
  TOO_MANY_RECORDS: 'The file has more records than one import may hold; split it into smaller files.',
  UNKNOWN_PARTNER: 'The file was dropped for a partner Sluice has no owner for, so it was set aside instead of '
    + 'imported.',
  UPLOAD_ABORTED: 'The upload was cancelled before the file arrived; nothing was imported.',
  UPLOAD_EXPIRED: 'The file never arrived before the upload link expired; nothing was imported.',
};

export function explainFailure(failure) {
  if (!failure) return null;
  return { summary: FAILURE_EXPLANATIONS[failure.code] || 'The file could not be imported.', detail: failure.message, code: failure.code };
}

export const delimiterLabel = (d) => ({ ',': 'Comma', ';': 'Semicolon', '\t': 'Tab', '|': 'Pipe' }[d] || d || '—');
export const numberStyleLabel = (s) => ({ US: '1,234.56 (US)', EUROPEAN: '1.234,56 (European)' }[s] || s || '—');
