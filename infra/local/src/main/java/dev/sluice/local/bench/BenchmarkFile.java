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
 *
 * <p>Alongside it, the valid records already in the records table's shape as COPY CSV: what the raw-COPY
 * baseline loads, so the ceiling is measured on exactly the rows Sluice stores.
 */
public final class BenchmarkFile {
    static final String HEADER = "Day,Campaign,Channel,Cost,Clicks,Impr.,Conversions,Ad group,Notes";
    static final String COPY_COLUMNS = "run_id, record_no, line_no, dataset_id, date, campaign, channel, spend, "
            + "clicks, conversions, impressions, extra";
    private static final String[] CHANNELS = {"search", "social", "display", "video", "email", "affiliate"};
    private static final String[] CAMPAIGNS = {"Brand", "Spring Sale", "Retargeting", "Black Friday", "Launch",
        "Always On", "Prospecting", "Holiday"};
    private static final String[] REGIONS = {"EU", "US", "APAC", "LATAM"};
    private static final LocalDate START = LocalDate.of(2024, 1, 1);
    /**
     * The run id of the ceiling's rows: a UUID like every run id Sluice stores, so that the primary key the COPY
     * builds is as wide as the one an import builds.
     */
    private static final String COPY_RUN_ID = "5eed0000-0000-4000-8000-00000000b00c";

    /** What was written: the record count, how many are invalid, and the byte size of the CSV. */
    public record Written(Path csv, Path copyCsv, long records, long invalidRecords, long bytes) {
        long validRecords() {
            return records - invalidRecords;
        }
    }

    private BenchmarkFile() {
    }

    public static Written write(Path csv, Path copyCsv, long records, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long invalid = 0;
        long line = 2;
        try (BufferedWriter out = writer(csv); BufferedWriter copy = writer(copyCsv)) {
            out.write(HEADER);
            out.write("\r\n");
            StringBuilder row = new StringBuilder(200);
            StringBuilder copyRow = new StringBuilder(240);
            for (long record = 1; record <= records; record++) {
                row.setLength(0);
                int defect = random.nextInt(1000) < 5 ? 1 + random.nextInt(4) : 0;
                LocalDate day = START.plusDays(record % 730);
                row.append(defect == 1 ? day.getYear() + "-02-30" : day.toString()).append(',');
                String campaign = CAMPAIGNS[random.nextInt(CAMPAIGNS.length)] + ", "
                        + REGIONS[random.nextInt(REGIONS.length)];
                if (random.nextInt(20) == 0) {
                    campaign = campaign + " \"Q" + (1 + random.nextInt(4)) + "\"";
                }
                row.append(quoted(campaign)).append(',');
                String channel = defect == 3 ? "" : CHANNELS[random.nextInt(CHANNELS.length)];
                row.append(channel).append(',');
                long cents = random.nextLong(1_000_000);
                String spend = cents / 100 + "." + twoDigits(cents % 100);
                if (defect == 2) {
                    row.append('-').append(spend);
                } else if (cents >= 100_000 && random.nextBoolean()) {
                    row.append("\"$").append(String.format("%,d", cents / 100)).append('.')
                            .append(twoDigits(cents % 100)).append('"');
                } else {
                    row.append(spend);
                }
                int clicks = random.nextInt(5000);
                int impressions = random.nextInt(200_000);
                String conversions = random.nextInt(300) + "." + random.nextInt(10);
                String adGroup = "ag-" + random.nextInt(10_000);
                row.append(',').append(clicks).append(',').append(impressions).append(',').append(conversions)
                        .append(',').append(adGroup);
                String notes = "";
                if (defect != 4) {
                    row.append(',');
                    if (random.nextInt(100) == 0) {
                        notes = "checked by ops\nsee ticket " + random.nextInt(100_000);
                        row.append(quoted(notes));
                    }
                }
                row.append("\r\n");
                out.append(row);
                if (defect != 0) {
                    invalid++;
                } else {
                    copyRow.setLength(0);
                    copyRow.append(COPY_RUN_ID).append(',').append(record).append(',').append(line).append(",bench,")
                            .append(day).append(',').append(quoted(campaign)).append(',').append(channel).append(',')
                            .append(spend).append(',').append(clicks).append(',').append(conversions).append(',')
                            .append(impressions).append(',')
                            .append(quoted("{\"Ad group\": \"" + adGroup + "\", \"Notes\": \""
                                    + notes.replace("\n", "\\n") + "\"}"))
                            .append('\n');
                    copy.append(copyRow);
                }
                line += notes.isEmpty() ? 1 : 2;
            }
        }
        return new Written(csv, copyCsv, records, invalid, Files.size(csv));
    }

    private static BufferedWriter writer(Path path) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path), StandardCharsets.UTF_8), 1 << 16);
    }

    private static String quoted(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static String twoDigits(long value) {
        return value < 10 ? "0" + value : Long.toString(value);
    }
}
