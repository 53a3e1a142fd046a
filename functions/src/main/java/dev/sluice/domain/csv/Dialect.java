package dev.sluice.domain.csv;

import java.util.List;
import java.util.Objects;

/**
 * How a file's bytes are to be read: detected once by the splitter and carried in every chunk message.
 *
 * @param encoding  Java charset name: {@code UTF-8}, {@code UTF-16LE}, {@code UTF-16BE} or {@code windows-1252}
 * @param bomLength bytes of byte-order mark at the start of the file (0, 2 or 3)
 * @param delimiter one of {@code , ; \t |}
 * @param quote     the quote character, {@code "}
 * @param header    the header fields as read from the header record, in file order
 */
public record Dialect(String encoding, int bomLength, char delimiter, char quote, List<String> header) {
    public Dialect {
        Objects.requireNonNull(encoding, "encoding");
        if (bomLength < 0 || bomLength > 3) {
            throw new IllegalArgumentException("bomLength must be 0..3, was " + bomLength);
        }
        RecordScanner.requireUsable(delimiter, quote);
        header = List.copyOf(header);
    }
}
