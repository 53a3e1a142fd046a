package dev.sluice.application.split;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a second thread a few buffers ahead of its consumer, so that the S3 transfer and the chunk
 * planner's scan overlap instead of taking turns. Memory is bounded: {@code depth} buffers of {@code bufferSize}
 * bytes, recycled, and made only when the consumer has not handed one back yet (a file that fits in one buffer
 * costs one). Every buffer but the last is full.
 */
final class ReadAhead implements AutoCloseable {
    /** A filled buffer; {@code length} is less than the buffer only at the end of the stream. */
    record Segment(byte[] bytes, int length) {
    }

    private static final Segment END = new Segment(new byte[0], 0);

    private final BlockingQueue<Segment> filled;
    private final BlockingQueue<byte[]> free;
    private final int bufferSize;
    private final int depth;
    /** Buffers made so far; written only by the reader thread. */
    private volatile int made;
    private final Thread reader;
    private volatile IOException failure;
    private boolean ended;

    ReadAhead(InputStream in, int bufferSize, int depth) {
        this.filled = new ArrayBlockingQueue<>(depth + 1);
        this.free = new ArrayBlockingQueue<>(depth + 1);
        this.bufferSize = bufferSize;
        this.depth = depth;
        this.reader = Thread.ofPlatform().daemon().name("split-read-ahead").start(() -> fill(in));
    }

    private void fill(InputStream in) {
        try {
            while (true) {
                byte[] buffer = freeBuffer();
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

    private byte[] freeBuffer() throws InterruptedException {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (made < depth) {
            made++;
            return new byte[bufferSize];
        }
        return free.take();
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

    /** How many buffers the reader has made so far (at most {@code depth}). */
    int buffersMade() {
        return made;
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
