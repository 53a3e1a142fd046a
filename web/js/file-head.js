// The first bytes of a chosen file as Sluice will read them: gzip files (magic 1f 8b, accepted by the server and
// decompressed by the splitter, uploads.md "Gzip") are decompressed in the browser, so their preview and mapping
// show the CSV inside. Pure: works on any Blob, in a browser or in Node.

const isGzip = (bytes) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * {bytes, complete, gzip}: up to `limit` bytes of the content (decompressed when gzip); complete when that is all of
 * it. Only as much of a gzip file is inflated as the preview needs, so a gzip bomb costs the page nothing.
 */
export async function readHead(file, limit) {
  const raw = new Uint8Array(await file.slice(0, limit).arrayBuffer());
  if (!isGzip(raw) || typeof DecompressionStream !== 'function') {
    return { bytes: raw, complete: file.size <= limit, gzip: isGzip(raw) };
  }
  const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks = [];
  let length = 0;
  let complete = false;
  try {
    while (length < limit) {
      const { done, value } = await reader.read();
      if (done) {
        complete = true;
        break;
      }
      chunks.push(value);
      length += value.length;
    }
  } catch {
    // A damaged gzip stream: preview what came out before the damage (the server will refuse the file).
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(length, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset === bytes.length) break;
  }
  return { bytes, complete: complete && length <= limit, gzip: true };
}
