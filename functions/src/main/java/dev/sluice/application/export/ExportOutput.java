package dev.sluice.application.export;

import dev.sluice.application.port.ObjectStore.ObjectSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * Where an export's bytes go: memory while the whole answer still fits in one API response, then an S3 object.
 * The limit is measured as the response carries it: a Lambda response is JSON, whose body string escapes quotes,
 * backslashes and control characters, and Lambda refuses a response over 6 MB (API Gateway's payload limit too).
 * Up to {@code inlineLimit} such bytes are held; the first byte past it opens the object, which then receives
 * everything in parts of bounded size, so memory stays constant however large the export is.
 */
public final class ExportOutput extends OutputStream {
    private final long inlineLimit;
    private final Supplier<ObjectSink> object;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(64 * 1024);
    private long responseBytes;
    private ObjectSink sink;
    private boolean closed;

    /** What the export became. */
    public sealed interface Result {
    }

    /** Small enough to be the API response itself. */
    public record Inline(byte[] bytes) implements Result {
    }

    /** Written to the object the supplier opened. */
    public record Stored() implements Result {
    }

    /**
     * @param inlineLimit the most bytes (as a JSON string in the Lambda response) answered inline
     * @param object      opens the object the export spills to; called at most once
     */
    public ExportOutput(long inlineLimit, Supplier<ObjectSink> object) {
        this.inlineLimit = inlineLimit;
        this.object = object;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("the export is already finished");
        }
        if (sink != null) {
            sink.write(bytes, offset, length);
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            responseBytes += escapedLength(bytes[i]);
        }
        memory.write(bytes, offset, length);
        if (responseBytes > inlineLimit) {
            sink = object.get();
            memory.writeTo(sink);
            memory = null;
        }
    }

    /** Bytes one UTF-8 byte takes in a JSON string: {@code \"}, {@code \\}, {@code \n} or {@code \u0001}. */
    private static int escapedLength(byte b) {
        if (b == '"' || b == '\\' || b == '\n' || b == '\r' || b == '\t') {
            return 2;
        }
        return b >= 0 && b < 0x20 ? 6 : 1;
    }

    /** Completes the export: the bytes, or the object (now complete). */
    public Result finish() throws IOException {
        closed = true;
        if (sink == null) {
            return new Inline(memory.toByteArray());
        }
        sink.close();
        return new Stored();
    }

    /** Discards a spilled object after a failure; nothing is left under the export's key. */
    public void abort() {
        closed = true;
        if (sink != null) {
            sink.abort();
        }
    }
}
