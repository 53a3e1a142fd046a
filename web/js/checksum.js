// The SHA-256 of a file, announced in POST /api/uploads (uploads.md): it lets the server answer 409 DUPLICATE before
// any byte is sent, and S3 refuse a single PUT whose body differs.

/**
 * SubtleCrypto has no streaming digest: it needs the whole file in memory at once. Up to 100 MiB (the default
 * single-PUT threshold, so every single PUT is checksummed by S3 itself) that is affordable even on a phone; above it
 * the checksum is left out and the splitter computes it (a duplicate then ends as a DUPLICATE run instead of a 409).
 */
export const SHA256_MAX_BYTES = 100 * 1024 * 1024;

/** 64 lowercase hex digits, or null when the file is too big or the page is not a secure context (no crypto.subtle). */
export async function sha256Hex(file, subtle = globalThis.crypto && globalThis.crypto.subtle) {
  if (!subtle || file.size > SHA256_MAX_BYTES) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', await file.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
