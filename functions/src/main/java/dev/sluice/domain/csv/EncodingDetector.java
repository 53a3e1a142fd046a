package dev.sluice.domain.csv;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;

/**
 * Decides a file's encoding from its first bytes, and rejects what is not text at all. A byte-order mark decides
 * (UTF-8, UTF-16LE, UTF-16BE). Without one, NUL bytes in most odd (even) positions mean UTF-16LE (BE) text, whose
 * ASCII characters have a zero high byte; NUL bytes in no such pattern mean the file is not text. Otherwise the
 * file is UTF-8 if the prefix is valid UTF-8 (a sequence cut by the end of an incomplete prefix is fine) or if most
 * of its bytes above 0x7F form valid UTF-8 sequences (the rest are bad bytes, rejected record by record by the
 * loader); otherwise windows-1252, which is what Excel on Windows writes (a superset of Latin-1's printable
 * characters, so Latin-1 files read the same).
 */
final class EncodingDetector {
    /** How much of the prefix is looked at to tell UTF-16 without a byte-order mark from binary data. */
    private static final int NUL_SAMPLE_BYTES = 64 * 1024;

    /**
     * A Java charset name as {@link Dialect#encoding()} holds it, the byte-order mark's length, and what decided:
     * {@code bom}, {@code detected} or {@code setting}.
     */
    record Detected(String encoding, int bomLength, String from) {
        Detected(String encoding, int bomLength) {
            this(encoding, bomLength, bomLength > 0 ? "bom" : "detected");
        }
    }

    private EncodingDetector() {
    }

    static Detected detect(byte[] prefix, int length, boolean complete) throws FileRejectedException {
        rejectKnownBinaryFormats(prefix, length);
        if (startsWith(prefix, length, 0xEF, 0xBB, 0xBF)) {
            return new Detected("UTF-8", 3);
        } else if (startsWith(prefix, length, 0xFF, 0xFE)) {
            return new Detected("UTF-16LE", 2);
        } else if (startsWith(prefix, length, 0xFE, 0xFF)) {
            return new Detected("UTF-16BE", 2);
        }
        String utf16 = utf16WithoutBom(prefix, length);
        if (utf16 != null) {
            return new Detected(utf16, 0);
        }
        return new Detected(utf8Census(prefix, length, complete).looksLikeUtf8() ? "UTF-8" : "windows-1252", 0);
    }

    private static void rejectKnownBinaryFormats(byte[] b, int length) throws FileRejectedException {
        String looksLike = null;
        if (startsWith(b, length, 'P', 'K', 3, 4)) {
            looksLike = "a ZIP archive, most likely an Excel workbook (.xlsx); open it in Excel and use "
                    + "File > Save As > CSV UTF-8";
        } else if (startsWith(b, length, 0xD0, 0xCF, 0x11, 0xE0)) {
            looksLike = "a legacy Excel workbook (.xls); open it in Excel and use File > Save As > CSV UTF-8";
        } else if (startsWith(b, length, 0x1F, 0x8B)) {
            looksLike = "a gzip-compressed file (.gz); decompress it and upload the CSV inside";
        } else if (startsWith(b, length, '%', 'P', 'D', 'F')) {
            looksLike = "a PDF document; export the report as CSV instead";
        } else if (startsWith(b, length, 0x89, 'P', 'N', 'G')) {
            looksLike = "a PNG image; export the report as CSV instead";
        } else if (startsWith(b, length, 0xFF, 0xD8, 0xFF)) {
            looksLike = "a JPEG image; export the report as CSV instead";
        }
        if (looksLike != null) {
            throw new FileRejectedException(FileRejectedException.UNREADABLE_FILE,
                    "the file is not a CSV text file: it looks like " + looksLike);
        }
    }

    /**
     * The encoding the dataset pins: its byte-order mark, if the file has the matching one, is skipped, not read
     * as a character. {@code UTF-16} without a byte order takes it from the mark, else big-endian as the standard
     * says. Known binary formats are refused as always.
     */
    static Detected pinned(String name, byte[] prefix, int length) throws FileRejectedException {
        rejectKnownBinaryFormats(prefix, length);
        String encoding;
        try {
            encoding = java.nio.charset.Charset.forName(name.strip()).name();
        } catch (IllegalArgumentException e) {
            throw new FileRejectedException(FileRejectedException.UNREADABLE_FILE, "the dataset's encoding '"
                    + name + "' is not a known character set; use auto, UTF-8, UTF-16LE, UTF-16BE, windows-1252 "
                    + "or ISO-8859-1");
        }
        boolean utf8Bom = startsWith(prefix, length, 0xEF, 0xBB, 0xBF);
        boolean leBom = startsWith(prefix, length, 0xFF, 0xFE);
        boolean beBom = startsWith(prefix, length, 0xFE, 0xFF);
        return switch (encoding) {
            case "UTF-8" -> new Detected(encoding, utf8Bom ? 3 : 0, "setting");
            case "UTF-16" -> new Detected(leBom ? "UTF-16LE" : "UTF-16BE", leBom || beBom ? 2 : 0, "setting");
            case "UTF-16LE" -> new Detected(encoding, leBom ? 2 : 0, "setting");
            case "UTF-16BE" -> new Detected(encoding, beBom ? 2 : 0, "setting");
            default -> {
                if (!java.nio.charset.Charset.forName(encoding).newEncoder().canEncode(',')
                        || encoding.startsWith("UTF-32")) {
                    throw new FileRejectedException(FileRejectedException.UNREADABLE_FILE, "the dataset's encoding '"
                            + name + "' is not one Sluice reads CSV in; use auto, UTF-8, UTF-16LE, UTF-16BE, "
                            + "windows-1252 or ISO-8859-1");
                }
                yield new Detected(encoding, 0, "setting");
            }
        };
    }

    /** UTF-16LE or UTF-16BE when the NUL bytes of the prefix fall in one parity; null when there are none. */
    private static String utf16WithoutBom(byte[] b, int length) throws FileRejectedException {
        int first = -1;
        int odd = 0;
        int even = 0;
        int scan = Math.min(length, NUL_SAMPLE_BYTES);
        for (int i = 0; i < scan; i++) {
            if (b[i] == 0) {
                if (first < 0) {
                    first = i;
                }
                if ((i & 1) == 0) {
                    even++;
                } else {
                    odd++;
                }
            }
        }
        if (first < 0) {
            for (int i = scan; i < length; i++) {
                if (b[i] == 0) {
                    first = i;
                    break;
                }
            }
        }
        if (first < 0) {
            return null;
        }
        int half = scan / 2;
        // ASCII text in UTF-16 has a NUL in every other byte: most of one parity, almost none of the other.
        if (odd > half * 0.3 && even < odd / 20) {
            return "UTF-16LE";
        }
        if (even > half * 0.3 && odd < even / 20) {
            return "UTF-16BE";
        }
        throw new FileRejectedException(FileRejectedException.UNREADABLE_FILE, "the file contains NUL bytes "
                + "(the first at byte " + first + "), so it is binary data rather than CSV text; check that the "
                + "right file was uploaded and that it was exported as CSV");
    }

    /**
     * How the prefix's bytes above 0x7F fall: {@code valid} of them form UTF-8 sequences, {@code invalid} do not.
     * Text in windows-1252 is almost never valid UTF-8 by accident (an accented letter there is one high byte
     * between ASCII ones, which UTF-8 forbids), so a prefix whose high bytes mostly form UTF-8 sequences is UTF-8
     * with a few bad bytes, and those become ENCODING row errors of their records; reading it as windows-1252
     * instead would turn every other non-ASCII character into mojibake without a word.
     */
    record Utf8Census(int valid, int invalid) {
        boolean looksLikeUtf8() {
            return invalid == 0 || valid > invalid;
        }
    }

    /**
     * Counts strictly (no overlong forms, no surrogates, nothing above U+10FFFF). A bad byte counts as one invalid
     * byte and the count resumes at the next byte, as a decoder would. A sequence cut by the end of an incomplete
     * prefix is valid as far as it goes.
     */
    static Utf8Census utf8Census(byte[] b, int length, boolean complete) {
        int valid = 0;
        int invalid = 0;
        int i = 0;
        while (i < length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int needed = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            int sequence = needed < 0 ? 0 : sequenceLength(b, i, length, needed, complete);
            if (sequence > 0) {
                valid += sequence;
                i += sequence;
            } else {
                invalid++;
                i++;
            }
        }
        return new Utf8Census(valid, invalid);
    }

    /** The length of the valid sequence of {@code needed} continuation bytes that starts at {@code i}, or 0. */
    private static int sequenceLength(byte[] b, int i, int length, int needed, boolean complete) {
        int min = needed == 1 ? 0x80 : needed == 2 ? 0x800 : 0x10000;
        int code = b[i] & (0x3F >> needed);
        for (int j = 1; j <= needed; j++) {
            if (i + j >= length) {
                // The sequence runs past the prefix: fine if the prefix was cut there, invalid at the real end.
                return complete ? 0 : j;
            }
            int next = b[i + j] & 0xFF;
            if ((next & 0xC0) != 0x80) {
                return 0;
            }
            code = (code << 6) | (next & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return 0;
        }
        return needed + 1;
    }

    /**
     * Decodes {@code [from, to)} strictly: the header's names must be the file's own, never a U+FFFD in their
     * place. Null when a byte sequence is not valid in the charset, with its absolute offset in {@code badAt[0]}.
     */
    static String decodeStrictly(byte[] b, int from, int to, Charset charset, long[] badAt) {
        java.nio.charset.CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, from, Math.max(0, to - from));
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(Math.max(16, (to - from) * 2));
        java.nio.charset.CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            badAt[0] = in.position();
            badAt[1] = b[in.position()] & 0xFF;
            return null;
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** Decodes {@code [from, to)}, bad bytes as U+FFFD: the profiler only needs to read names and numbers. */
    static String decode(byte[] b, int from, int to, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(b, from, Math.max(0, to - from)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }

    private static boolean startsWith(byte[] b, int length, int... magic) {
        if (length < magic.length) {
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
