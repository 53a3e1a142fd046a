package dev.sluice.domain.validation;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Decodes a chunk's bytes strictly: an undecodable sequence is never silently replaced. It becomes one U+FFFD
 * in the text (so commons-csv keeps the record's shape) and is reported to {@link RecordPositions}, which marks
 * the record holding it, and that record is rejected. The decoder then resumes right after the bad sequence;
 * the JDK's malformed-input lengths never include an ASCII byte, so no delimiter or line break is swallowed.
 */
final class DecodingReader extends Reader {
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final RecordPositions positions;
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);
    private long bufferStart;
    private long bytesRead;
    private boolean inputEnded;
    private boolean finished;

    DecodingReader(InputStream in, Charset charset, RecordPositions positions) {
        this.in = in;
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        this.positions = positions;
        bytes.flip();
        chars.flip();
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (finished) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, chars.remaining());
        chars.get(cbuf, off, n);
        return n;
    }

    long bytesRead() {
        return bytesRead;
    }

    private void fill() throws IOException {
        chars.clear();
        int tracked = 0;
        while (true) {
            chars.limit(chars.capacity() - 1); // keeps room for the replacement of a bad sequence
            CoderResult result = decoder.decode(bytes, chars, inputEnded);
            chars.limit(chars.capacity());
            if (result.isError()) {
                int at = bytes.position();
                String detail = describe(at, result.length());
                bytes.position(at + result.length());
                positions.chars(chars.array(), tracked, chars.position() - tracked);
                chars.put('\uFFFD');
                positions.chars(chars.array(), chars.position() - 1, 1);
                positions.encodingProblem(detail);
                tracked = chars.position();
            } else if (result.isOverflow()) {
                break;
            } else if (inputEnded) {
                decoder.flush(chars);
                finished = true;
                break;
            } else if (chars.position() > 0) {
                break;
            } else {
                readMore();
            }
        }
        positions.chars(chars.array(), tracked, chars.position() - tracked);
        if (finished) {
            positions.end();
        }
        chars.flip();
    }

    private void readMore() throws IOException {
        bufferStart += bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            inputEnded = true;
        } else {
            bytes.position(bytes.position() + n);
            bytesRead += n;
        }
        bytes.flip();
    }

    private String describe(int at, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length && at + i < bytes.limit(); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("0x%02X", bytes.get(at + i) & 0xFF));
        }
        return (length == 1 ? "byte " : "bytes ") + hex + " at offset " + (bufferStart + at) + " of the chunk";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
