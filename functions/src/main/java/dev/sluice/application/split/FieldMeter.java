package dev.sluice.application.split;

/**
 * Measures the fields of CSV bytes as they stream past, in bytes of the file: the length since the last delimiter
 * or line end outside quotes (a quoted line break is part of its field). Constant memory; fails at the first field
 * longer than the limit, so a file with a runaway quote or a megabyte cell is refused before anything is loaded.
 */
final class FieldMeter implements ObjectScan.ByteTap {
    private final byte delimiter;
    private final byte quote;
    private final int maxFieldBytes;
    private final String setting;
    private boolean quoted;
    private long length;
    private long longest;

    FieldMeter(char delimiter, char quote, int maxFieldBytes) {
        this(delimiter, quote, maxFieldBytes, "MAX_FIELD_BYTES");
    }

    /** @param setting where the limit comes from, named in the message (MAX_FIELD_BYTES, the dataset's ...) */
    FieldMeter(char delimiter, char quote, int maxFieldBytes, String setting) {
        this.setting = setting;
        this.delimiter = (byte) delimiter;
        this.quote = (byte) quote;
        this.maxFieldBytes = maxFieldBytes;
    }

    @Override
    public void accept(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte c = bytes[i];
            if (c == quote) {
                // A doubled quote inside a quoted field leaves and re-enters: the field goes on either way.
                quoted = !quoted;
                length++;
            } else if (!quoted && (c == delimiter || c == '\n' || c == '\r')) {
                length = 0;
            } else {
                length++;
            }
            if (length > longest) {
                longest = length;
            }
            if (length > maxFieldBytes) {
                throw new LimitExceededException("FIELD_TOO_LONG", "a field is longer than " + maxFieldBytes
                        + " bytes (" + setting + "), so the file is refused; check for a missing closing quote or "
                        + "split the long values");
            }
        }
    }

    long longest() {
        return longest;
    }
}
