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
import java.util.ArrayDeque;

/**
 * Decodes a chunk's bytes strictly: an undecodable sequence is never silently replaced. It becomes one U+FFFD
 * in the text (so the record keeps its shape) and is remembered with its position in the text, so that the record
 * holding it can be rejected. The decoder then resumes right after the bad sequence;
 * the JDK's malformed-input lengths never include an ASCII byte, so no delimiter or line break is swallowed.
 */
final class DecodingReader extends Reader {
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final ArrayDeque<Problem> problems = new ArrayDeque<>();
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);
    private long bufferStart;
    private long bytesRead;
    private long charsBeforeBuffer;
    private boolean inputEnded;
    private boolean finished;

    /** An undecodable sequence, replaced by the char at {@code position} of the decoded text. */
    private record Problem(long position, String detail) {
    }

    DecodingReader(InputStream in, Charset charset) {
        this.in = in;
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
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

    /**
     * The first undecodable sequence before {@code position} of the decoded text that has not been asked for yet,
     * or null; the ones after it up to {@code position} are passed over.
     */
    String problemBefore(long position) {
        String first = null;
        while (!problems.isEmpty() && problems.peekFirst().position() < position) {
            Problem problem = problems.pollFirst();
            if (first == null) {
                first = problem.detail();
            }
        }
        return first;
    }

    private void fill() throws IOException {
        charsBeforeBuffer += chars.limit();
        chars.clear();
        while (true) {
            chars.limit(chars.capacity() - 1); // keeps room for the replacement of a bad sequence
            CoderResult result = decoder.decode(bytes, chars, inputEnded);
            chars.limit(chars.capacity());
            if (result.isError()) {
                int at = bytes.position();
                String detail = describe(at, result.length());
                bytes.position(at + result.length());
                problems.addLast(new Problem(charsBeforeBuffer + chars.position(), detail));
                chars.put('\uFFFD');
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
