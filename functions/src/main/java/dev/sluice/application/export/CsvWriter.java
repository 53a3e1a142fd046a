package dev.sluice.application.export;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes an export as RFC 4180 CSV in UTF-8: a byte-order mark first (so spreadsheet programs read UTF-8, not the
 * system's code page; Sluice's own reader skips it), CRLF line ends, and a field quoted when it holds the delimiter, a
 * quote, CR or LF, or starts or ends with a space.
 *
 * <p>A value that came from someone's file is written {@link #untrusted}: one a spreadsheet would run as a formula
 * (it starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or CR) gets a leading {@code '}, which spreadsheet
 * programs show as text (OWASP's advice against CSV injection). A plain number such as {@code -5.00} or {@code +1,5}
 * is left alone: it cannot call anything, and the prefix would turn a valid value into an invalid one when the file
 * is fixed and uploaded again.
 */
public final class CsvWriter {
    /** Signs, digits and one kind of separator groups: what a spreadsheet reads as a number, never as a call. */
    private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?(\\d+([.,]\\d+)*|[.,]\\d+)%?");
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final Writer out;
    private final char delimiter;
    private boolean rowStarted;

    /** @param delimiter the field separator; the file's own, so a fixed errors file reads like the original */
    public CsvWriter(OutputStream out, char delimiter) {
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
        }
        this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        this.delimiter = delimiter;
        write(String.valueOf(BYTE_ORDER_MARK));
    }

    /** Whether a spreadsheet would read this value as a formula: what {@link #untrusted} prefixes. */
    public static boolean looksLikeFormula(String value) {
        if (value.isEmpty()) {
            return false;
        }
        char first = value.charAt(0);
        boolean trigger = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t'
                || first == '\r';
        return trigger && !PLAIN_NUMBER.matcher(value).matches();
    }

    /** The value as an untrusted cell shows it: {@code '} in front of anything {@link #looksLikeFormula}. */
    public static String neutralised(String value) {
        return looksLikeFormula(value) ? "'" + value : value;
    }

    /** A value Sluice produced itself (a line number, a code, a message, a parsed number): written as it is. */
    public CsvWriter trusted(String value) {
        cell(value == null ? "" : value);
        return this;
    }

    /** A value from a user's file, neutralised when a spreadsheet would run it. */
    public CsvWriter untrusted(String value) {
        cell(value == null ? "" : neutralised(value));
        return this;
    }

    public CsvWriter trusted(List<String> values) {
        values.forEach(this::trusted);
        return this;
    }

    public CsvWriter untrusted(List<String> values) {
        values.forEach(this::untrusted);
        return this;
    }

    public void endRow() {
        write("\r\n");
        rowStarted = false;
    }

    /** Writes out what is buffered (the underlying stream is not closed). */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void cell(String value) {
        if (rowStarted) {
            write(String.valueOf(delimiter));
        }
        rowStarted = true;
        if (needsQuotes(value)) {
            write("\"" + value.replace("\"", "\"\"") + "\"");
        } else {
            write(value);
        }
    }

    private boolean needsQuotes(String value) {
        if (value.isEmpty()) {
            return false;
        }
        if (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }

    private void write(String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
