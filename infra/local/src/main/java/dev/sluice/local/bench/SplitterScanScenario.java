package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;
import static dev.sluice.local.bench.Measure.round;
import static dev.sluice.local.bench.Measure.say;
import static dev.sluice.local.bench.Measure.seconds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.split.ObjectScan;
import dev.sluice.domain.chunk.PlanSummary;
import dev.sluice.local.LocalSluice;
import java.io.InputStream;

/** The splitter's pass (profile + chunk planning) against a plain read of the same object from local S3. */
final class SplitterScanScenario {
    private static final int ROUNDS = 3;

    private final LocalSluice sluice;
    private final long targetChunkBytes;

    SplitterScanScenario(LocalSluice sluice, long targetChunkBytes) {
        this.sluice = sluice;
        this.targetChunkBytes = targetChunkBytes;
    }

    /** {@code {"plainRead":{"mbPerSecond"},"splitter":{"mbPerSecond","chunks"}}}, the best of three each. */
    ObjectNode measure(String bucket, String key, BenchmarkFile.Written file) throws Exception {
        say("splitter scan vs plain read ...");
        double plainBest = 0;
        double splitterBest = 0;
        long chunks = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            long bytes = 0;
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = sluice.s3Client().getObject(b -> b.bucket(bucket).key(key))) {
                int read;
                while ((read = in.read(buffer)) > 0) {
                    bytes += read;
                }
            }
            plainBest = Math.max(plainBest, bytes / 1e6 / seconds(started));

            started = System.nanoTime();
            try (InputStream in = sluice.s3Client().getObject(b -> b.bucket(bucket).key(key))) {
                PlanSummary summary = ObjectScan.scan(in, null, targetChunkBytes, 50_000, profile -> chunk -> { });
                if (summary.records() != file.records()) {
                    throw new IllegalStateException("planner counted " + summary.records() + " records, the file has "
                            + file.records());
                }
                chunks = summary.chunks();
            }
            splitterBest = Math.max(splitterBest, file.bytes() / 1e6 / seconds(started));
        }
        ObjectNode node = JSON.createObjectNode();
        node.putObject("plainRead").put("mbPerSecond", round(plainBest, 1));
        node.putObject("splitter").put("mbPerSecond", round(splitterBest, 1)).put("chunks", chunks);
        return node;
    }
}
