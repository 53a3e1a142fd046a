package dev.sluice.application.split;

import java.util.Optional;

/**
 * Judges a file by its first bytes, not by its name or declared type: gzip is accepted (and decompressed), a known
 * binary format or anything else that is not text is refused with {@code NOT_CSV} before the profiler or the
 * planner sees a byte. Text encodings (UTF-8, windows-1252, UTF-16 with or without a byte-order mark) pass; the
 * profiler decides between them.
 */
public final class ContentSniffer {
    /** How much of the file is judged. */
    public static final int SNIFF_BYTES = 1024;
    /** More control characters than this share of the sniffed bytes is not text anyone exports as CSV. */
    private static final double MAX_CONTROL_SHARE = 0.01;

    /** What the first bytes are. {@code description} says what a refused file looks like, for the run's message. */
    public record Verdict(Kind kind, String description) {
        public boolean refused() {
            return kind == Kind.BINARY;
        }
    }

    public enum Kind { TEXT, GZIP, BINARY }

    private ContentSniffer() {
    }

    public static Verdict sniff(byte[] b, int length) {
        int n = Math.min(length, SNIFF_BYTES);
        if (starts(b, n, 0x1F, 0x8B)) {
            return new Verdict(Kind.GZIP, "gzip-compressed data");
        }
        Optional<String> format = knownFormat(b, n);
        if (format.isPresent()) {
            return new Verdict(Kind.BINARY, format.get());
        }
        if (starts(b, n, 0xFF, 0xFE) || starts(b, n, 0xFE, 0xFF) || looksLikeUtf16(b, n)) {
            return new Verdict(Kind.TEXT, "UTF-16 text");
        }
        int nul = -1;
        int controls = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == 0 && nul < 0) {
                nul = i;
            }
            // Tab, LF, VT, FF, CR and ESC occur in exported text; other C0 controls and DEL do not.
            if (c < 0x20 && c != '\t' && c != '\n' && c != 0x0B && c != '\f' && c != '\r' && c != 0x1B || c == 0x7F) {
                controls++;
            }
        }
        if (nul >= 0) {
            return new Verdict(Kind.BINARY, "binary data (a NUL byte at offset " + nul + ")");
        }
        if (controls > Math.max(1, n * MAX_CONTROL_SHARE)) {
            return new Verdict(Kind.BINARY, "binary data (" + controls + " control bytes in the first " + n
                    + " bytes)");
        }
        return new Verdict(Kind.TEXT, "text");
    }

    private static Optional<String> knownFormat(byte[] b, int n) {
        if (starts(b, n, 0x89, 'P', 'N', 'G')) {
            return Optional.of("a PNG image");
        }
        if (starts(b, n, 'P', 'K', 3, 4) || starts(b, n, 'P', 'K', 5, 6) || starts(b, n, 'P', 'K', 7, 8)) {
            return Optional.of("a ZIP archive (an Excel .xlsx workbook is one: save it as CSV UTF-8 instead)");
        }
        if (starts(b, n, '%', 'P', 'D', 'F', '-')) {
            return Optional.of("a PDF document");
        }
        if (starts(b, n, 'G', 'I', 'F', '8', '7', 'a') || starts(b, n, 'G', 'I', 'F', '8', '9', 'a')) {
            return Optional.of("a GIF image");
        }
        if (starts(b, n, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("a JPEG image");
        }
        if (starts(b, n, 0x7F, 'E', 'L', 'F')) {
            return Optional.of("an ELF executable");
        }
        if (starts(b, n, 'M', 'Z') && n >= 64 && hasNul(b, 2, 64)) {
            return Optional.of("a Windows executable (PE)");
        }
        if (starts(b, n, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)) {
            return Optional.of("a legacy Office document (.xls/.doc): save it as CSV UTF-8 instead");
        }
        return Optional.empty();
    }

    /** Text whose every other byte is NUL: UTF-16 without a byte-order mark (the profiler explains that one). */
    private static boolean looksLikeUtf16(byte[] b, int n) {
        if (n < 4) {
            return false;
        }
        int even = 0;
        int odd = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] == 0) {
                if ((i & 1) == 0) {
                    even++;
                } else {
                    odd++;
                }
            }
        }
        int half = n / 2;
        return odd > half * 0.3 && even == 0 || even > half * 0.3 && odd == 0;
    }

    private static boolean hasNul(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean starts(byte[] b, int n, int... magic) {
        if (n < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
