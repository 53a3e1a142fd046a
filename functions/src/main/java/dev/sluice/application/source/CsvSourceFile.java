package dev.sluice.application.source;

import dev.sluice.application.port.WebFetcher.FetchException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A fetched csv-url file as text: a gzip body (a {@code .gz} URL; a {@code Content-Encoding: gzip} answer is already
 * decoded by the fetcher) is decompressed as the splitter would, by its first bytes rather than its name.
 */
final class CsvSourceFile {
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    private static final int BUFFER = 64 * 1024;

    private CsvSourceFile() {
    }

    /**
     * The file's bytes, decompressed when it is gzip. Reading past {@code maxBytes} decompressed bytes throws
     * {@code TOO_LARGE}: the fetcher capped the bytes it received, but a small gzip file can expand without end (a
     * gzip bomb), and what is read from it is spooled to local disk (Lambda's /tmp). Reading stops at the cap, as the
     * splitter stops decompressing an upload at its cap, so a bomb costs CPU, and what it spools stays in proportion
     * to the cap.
     */
    static InputStream open(Path file, long maxBytes) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            in.mark(2);
            int first = in.read();
            int second = in.read();
            in.reset();
            return first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2
                    ? new Capped(new GZIPInputStream(in, BUFFER), maxBytes) : in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Counts what is read (skipped bytes too: {@link InputStream#skip} reads through {@link #read}) and throws
     * {@code TOO_LARGE} once the count passes the cap.
     */
    private static final class Capped extends InputStream {
        private final InputStream in;
        private final long max;
        private long count;

        Capped(InputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > max) {
                    throw new FetchException("TOO_LARGE", "the gzip file decompresses to more than " + max
                            + " bytes, the limit for one pull (SOURCE_MAX_BYTES); it was read no further and "
                            + "nothing was loaded");
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * Bytes that are not text in the encoding become U+FFFD, as the loader reads them: JDK decoders never swallow an
     * ASCII byte, so delimiters and line breaks stay where they were.
     */
    static Reader decoder(InputStream in, String encoding) {
        return new InputStreamReader(in, Charset.forName(encoding).newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
    }
}
