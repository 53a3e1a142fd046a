package dev.sluice.application.split;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a second thread a few buffers ahead of its consumer, so that the S3 transfer and the chunk
 * planner's scan overlap instead of taking turns. Memory is bounded: {@code depth} buffers of {@code bufferSize}
 * bytes, recycled. Every buffer but the last is full.
 */
final class ReadAhead implements AutoCloseable {
    /** A filled buffer; {@code length} is less than the buffer only at the end of the stream. */
    record Segment(byte[] bytes, int length) {
    }

    private static final Segment END = new Segment(new byte[0], 0);

    private final BlockingQueue<Segment> filled;
    private final BlockingQueue<byte[]> free;
    private final Thread reader;
    private volatile IOException failure;
    private boolean ended;

    ReadAhead(InputStream in, int bufferSize, int depth) {
        this.filled = new ArrayBlockingQueue<>(depth + 1);
        this.free = new ArrayBlockingQueue<>(depth + 1);
        for (int i = 0; i < depth; i++) {
            free.add(new byte[bufferSize]);
        }
        this.reader = Thread.ofPlatform().daemon().name("split-read-ahead").start(() -> fill(in));
    }

    private void fill(InputStream in) {
        try {
            while (true) {
                byte[] buffer = free.take();
                int length = in.readNBytes(buffer, 0, buffer.length);
                if (length > 0) {
                    filled.put(new Segment(buffer, length));
                }
                if (length < buffer.length) {
                    filled.put(END);
                    return;
                }
            }
        } catch (IOException e) {
            failure = e;
            filled.offer(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next segment, or null at the end of the stream. Hand it back with {@link #release} when done with it. */
    Segment next() throws IOException {
        if (ended) {
            return null;
        }
        Segment segment;
        try {
            segment = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        }
        if (segment == END) {
            ended = true;
            if (failure != null) {
                throw failure;
            }
            return null;
        }
        return segment;
    }

    /** Lets the reader refill this segment's buffer. */
    void release(Segment segment) {
        if (segment != null && segment != END) {
            free.offer(segment.bytes());
        }
    }

    @Override
    public void close() {
        reader.interrupt();
    }
}
