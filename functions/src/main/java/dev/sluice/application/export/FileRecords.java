package dev.sluice.application.export;

import dev.sluice.domain.csv.CsvRecordReader;
import dev.sluice.domain.validation.ChunkReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The records of a kept file, read front to back with the loader's own record reader, so records and the physical
 * lines they start on are exactly the ones the splitter and the loaders counted. Every record of the file is met,
 * the header and any preamble lines included: callers find a record by the line it starts on (what each row error
 * stores), never by counting from a header whose position this class would have to guess.
 */
final class FileRecords implements AutoCloseable {
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private final InputStream in;
    private final CsvRecordReader reader;
    private long index;
    private boolean ended;

    /**
     * @param raw the object's bytes as stored; a gzip upload is decompressed here, as the splitter did
     */
    FileRecords(InputStream raw, String encoding, char delimiter) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 64 * 1024);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        this.in = first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2 ? new GZIPInputStream(buffered, 64 * 1024)
                : buffered;
        // Bytes that are not text in the encoding become U+FFFD: such a record is a row error already (ENCODING),
        // and JDK decoders never swallow an ASCII byte, so delimiters and line breaks stay where they were.
        Reader decoded = new InputStreamReader(in, Charset.forName(encoding).newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
        this.reader = new CsvRecordReader(decoded, delimiter, '"', 1, ChunkReader.MAX_RECORD_CHARS);
    }

    /** Moves to the next record; false at the end of the file. */
    boolean next() throws IOException {
        if (ended) {
            return false;
        }
        if (!reader.next()) {
            ended = true;
            return false;
        }
        index++;
        return true;
    }

    /**
     * Moves forward to the record that starts on {@code line}; false (positioned on the first record after it, or
     * at the end) when no record starts there. Lines before the current record are never found again.
     */
    boolean moveToLine(long line) throws IOException {
        if (ended) {
            return false;
        }
        while (index == 0 || reader.line() < line) {
            if (!next()) {
                return false;
            }
        }
        return reader.line() == line;
    }

    /** Moves forward to the record {@code count} records after the current one; false at the end of the file. */
    boolean skip(long count) throws IOException {
        if (ended) {
            return false;
        }
        for (long i = 0; i < count; i++) {
            if (!next()) {
                return false;
            }
        }
        return true;
    }

    /** The 1-based position of the current record among all records of the file (0 before the first). */
    long index() {
        return index;
    }

    long line() {
        return reader.line();
    }

    /** The current record's values, quotes removed, exactly as the loader saw them. */
    List<String> values() {
        List<String> values = new ArrayList<>(reader.size());
        for (int i = 0; i < reader.size(); i++) {
            values.add(reader.get(i));
        }
        return values;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
