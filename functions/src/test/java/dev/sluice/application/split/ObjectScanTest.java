package dev.sluice.application.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.chunk.PlanSummary;
import dev.sluice.domain.chunk.PlannedChunk;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectScanTest {

    @Test
    void plansEveryRecordOfAnObjectSpanningManyReadAheadBuffers() throws Exception {
        StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend\r\n");
        int records = 120_000;
        for (int i = 1; i <= records; i++) {
            csv.append("2024-01-01,\"Campaign ").append(i).append(i % 97 == 0 ? "\nsecond line" : "")
                    .append("\",search,").append(i).append(".25\r\n");
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length > 4 * (1 << 20), "more than the read-ahead holds at once");
        List<PlannedChunk> chunks = new ArrayList<>();
        PlanSummary summary = ObjectScan.scan(new ByteArrayInputStream(bytes), null, 256 * 1024, 50_000,
                profile -> chunks::add);
        assertEquals(records, summary.records());
        assertEquals(chunks.size(), summary.chunks());
        long expectedStart = chunks.get(0).startByte();
        long nextRecord = 1;
        for (PlannedChunk chunk : chunks) {
            assertEquals(expectedStart, chunk.startByte(), "chunks are contiguous");
            assertEquals(nextRecord, chunk.firstRecord());
            expectedStart = chunk.endByte();
            nextRecord += chunk.recordCount();
        }
        assertEquals(bytes.length, expectedStart, "the last chunk ends at the end of the object");
    }

    @Test
    void aReadFailurePartWayReachesTheCaller() {
        InputStream failing = new InputStream() {
            private final byte[] header = "Date,Campaign,Channel\n".getBytes(StandardCharsets.US_ASCII);
            private int served;

            @Override
            public int read() throws IOException {
                if (served < header.length) {
                    return header[served++];
                }
                if (served < 3 * (1 << 20)) {
                    return "2024-01-01,c,s\n".charAt(served++ % 15);
                }
                throw new IOException("connection reset by S3");
            }
        };
        IOException error = assertThrows(IOException.class, () -> ObjectScan.scan(failing, null, 1 << 20, 50_000,
                profile -> chunk -> { }));
        assertEquals("connection reset by S3", error.getMessage());
    }
}
