package dev.sluice.local.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * A deterministic, realistic marketing CSV for the benchmark: an ad-platform style header, quoted campaign names
 * with commas and doubled quotes, about 1 % of records with a multi-line quoted note, currency-formatted spend,
 * and about 0.5 % invalid records (bad dates, negative spend, blank channel, wrong field count) whose number is
 * known in advance. The same seed and size always give the same bytes.
 */
public final class BenchmarkFile {
    static final String HEADER = "Day,Campaign,Channel,Cost,Clicks,Impr.,Conversions,Ad group,Notes";
    private static final String[] CHANNELS = {"search", "social", "display", "video", "email", "affiliate"};
    private static final String[] CAMPAIGNS = {"Brand", "Spring Sale", "Retargeting", "Black Friday", "Launch",
        "Always On", "Prospecting", "Holiday"};
    private static final String[] REGIONS = {"EU", "US", "APAC", "LATAM"};
    private static final LocalDate START = LocalDate.of(2024, 1, 1);

    /** What was written: the record count, how many are invalid, and the byte size. */
    public record Written(Path path, long records, long invalidRecords, long bytes) {
    }

    private BenchmarkFile() {
    }

    public static Written write(Path path, long records, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long invalid = 0;
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path),
                StandardCharsets.UTF_8), 1 << 16)) {
            out.write(HEADER);
            out.write("\r\n");
            StringBuilder line = new StringBuilder(160);
            for (long i = 0; i < records; i++) {
                line.setLength(0);
                int defect = random.nextInt(1000) < 5 ? 1 + random.nextInt(4) : 0;
                if (defect != 0) {
                    invalid++;
                }
                LocalDate day = START.plusDays(i % 730);
                line.append(defect == 1 ? day.getYear() + "-02-30" : day.toString()).append(',');
                String campaign = CAMPAIGNS[random.nextInt(CAMPAIGNS.length)] + ", "
                        + REGIONS[random.nextInt(REGIONS.length)];
                if (random.nextInt(20) == 0) {
                    line.append("\"").append(campaign).append(" \"\"Q").append(1 + random.nextInt(4))
                            .append("\"\"\"");
                } else {
                    line.append('"').append(campaign).append('"');
                }
                line.append(',').append(defect == 3 ? "" : CHANNELS[random.nextInt(CHANNELS.length)]).append(',');
                long cents = random.nextLong(1_000_000);
                if (defect == 2) {
                    line.append('-').append(cents / 100).append('.').append(String.format("%02d", cents % 100));
                } else if (cents >= 100_000 && random.nextBoolean()) {
                    line.append("\"$").append(String.format("%,d", cents / 100)).append('.')
                            .append(String.format("%02d", cents % 100)).append('"');
                } else {
                    line.append(cents / 100).append('.').append(String.format("%02d", cents % 100));
                }
                line.append(',').append(random.nextInt(5000))
                        .append(',').append(random.nextInt(200_000))
                        .append(',').append(random.nextInt(300)).append('.').append(random.nextInt(10))
                        .append(",ag-").append(random.nextInt(10_000));
                if (defect != 4) {
                    line.append(',');
                    if (random.nextInt(100) == 0) {
                        line.append("\"checked by ops\nsee ticket ").append(random.nextInt(100_000)).append('"');
                    }
                }
                line.append("\r\n");
                out.append(line);
            }
        }
        return new Written(path, records, invalid, Files.size(path));
    }
}
