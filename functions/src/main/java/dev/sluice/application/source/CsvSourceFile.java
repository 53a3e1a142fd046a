package dev.sluice.application.source;

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

    /** The file's bytes, decompressed when it is gzip. */
    static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2 ? new GZIPInputStream(in, BUFFER) : in;
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
