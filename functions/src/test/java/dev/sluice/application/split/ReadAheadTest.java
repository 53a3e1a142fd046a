package dev.sluice.application.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

    @Test
    void aStreamShorterThanOneBufferCostsOneBuffer() throws Exception {
        byte[] bytes = new byte[50_000];
        new Random(1).nextBytes(bytes);
        try (ReadAhead readAhead = new ReadAhead(new ByteArrayInputStream(bytes), 1 << 20, 4)) {
            ReadAhead.Segment only = readAhead.next();
            assertEquals(bytes.length, only.length());
            readAhead.release(only);
            assertNull(readAhead.next());
            assertEquals(1, readAhead.buffersMade(), "a 50 kB stream needs one 1 MiB buffer, not four");
        }
    }

    @Test
    void aLongStreamArrivesWholeInOrderThroughAtMostDepthBuffers() throws Exception {
        byte[] bytes = new byte[10 * 4096 + 123];
        new Random(2).nextBytes(bytes);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (ReadAhead readAhead = new ReadAhead(new ByteArrayInputStream(bytes), 4096, 3)) {
            for (ReadAhead.Segment segment = readAhead.next(); segment != null; segment = readAhead.next()) {
                read.write(segment.bytes(), 0, segment.length());
                readAhead.release(segment);
            }
            assertTrue(readAhead.buffersMade() <= 3, "made " + readAhead.buffersMade());
        }
        assertArrayEquals(bytes, read.toByteArray());
    }
}
