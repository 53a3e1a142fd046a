package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;
import static dev.sluice.local.bench.Measure.round;
import static dev.sluice.local.bench.Measure.say;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** The bench's figures as JSON parts, and as the printed table (plus, with {@code --json}, the one-line result). */
final class BenchmarkReport {
    private static final String SERIAL_GC = "Serial";

    private final PrintStream out;
    private final boolean json;

    BenchmarkReport(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** Cores, heap, Java and the collector, with a note when it is not the one Lambda runs. */
    static ObjectNode machine() {
        ObjectNode machine = JSON.createObjectNode();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        String gc = garbageCollector();
        machine.put("gc", gc);
        if (!gc.equals(SERIAL_GC)) {
            say("note: this JVM runs the %s collector; Lambda functions below ~1.8 GB run the serial one, so "
                    + "java -XX:+UseSerialGC -jar ... bench measures them as they run there", gc);
        }
        return machine;
    }

    /** The collector's name as the JVM reports it, e.g. "Serial" or "G1". */
    private static String garbageCollector() {
        String young = ManagementFactory.getGarbageCollectorMXBeans().getFirst().getName();
        return young.equals("Copy") ? SERIAL_GC : young.replace(" Young Generation", "").replace(" Scavenge", "");
    }

    /** Each run's own figures, in the order they ran: the spread shows how much one run can be trusted. */
    static ArrayNode runsJson(List<MeasuredRun> runs) {
        List<String> fields = List.of("seconds", "recordsPerSecond", "firstProgressMillis", "status", "accountedFor");
        ArrayNode array = JSON.createArrayNode();
        for (MeasuredRun run : runs) {
            ObjectNode node = array.addObject();
            for (String field : fields) {
                node.set(field, run.endToEnd().get(field));
            }
            node.put("rawCopySeconds", run.ceiling().get("seconds").asDouble());
            node.put("overCopy", round(run.overCopy(), 3));
            node.set("cpuSeconds", cpuJson(run.cpu()));
        }
        return array;
    }

    static ObjectNode cpuJson(CpuMeter.Usage usage) {
        ObjectNode node = JSON.createObjectNode();
        node.put("jvm", round(usage.jvmSeconds(), 3));
        usage.postgresSeconds().ifPresent(seconds -> node.put("postgres", round(seconds, 3)));
        usage.loaderThreadSeconds().ifPresent(seconds -> node.put("loaderThreads", round(seconds, 3)));
        usage.jitSeconds().ifPresent(seconds -> node.put("jit", round(seconds, 3)));
        node.put("wall", round(usage.wallSeconds(), 3));
        node.put("cores", usage.cores());
        return node;
    }

    void print(ObjectNode result) throws IOException {
        JsonNode copy = result.get("rawCopy");
        JsonNode e2e = result.get("endToEnd");
        JsonNode rows = result.get("rowByRow");
        out.println();
        JsonNode machine = result.get("machine");
        out.printf("Sluice benchmark: %,d records (%,d bytes, %,d invalid) on %d cores, Java %s, %s GC%n",
                result.get("records").asLong(), result.get("fileBytes").asLong(), result.get("invalidRecords").asLong(),
                machine.get("cores").asInt(), machine.get("java").asText(), machine.get("gc").asText());
        out.printf("  %-28s %12s %10s%n", "phase", "records/s", "seconds");
        out.printf("  %-28s %,12d %10.2f%n", "raw COPY (ceiling)", copy.get("recordsPerSecond").asLong(),
                copy.get("seconds").asDouble());
        out.printf("  %-28s %,12d %10.2f  (upload %.2f s, %d chunks, %s)%n", "Sluice end to end (median)",
                e2e.get("recordsPerSecond").asLong(), e2e.get("seconds").asDouble(),
                e2e.get("uploadSeconds").asDouble(), e2e.get("chunks").asInt(), e2e.get("status").asText());
        out.printf("  %-28s %,12d %10.2f  (%,d rows)%n", "row by row INSERT", rows.get("rowsPerSecond").asLong(),
                rows.get("seconds").asDouble(), rows.get("rows").asLong());
        out.printf("  splitter scan %.1f MB/s vs plain read %.1f MB/s%n",
                result.get("splitterScan").get("mbPerSecond").asDouble(),
                result.get("plainRead").get("mbPerSecond").asDouble());
        out.printf("  end-to-end / raw COPY = %.3f   splitter / plain read = %.3f%n",
                result.get("endToEndOverCopy").asDouble(), result.get("splitterOverPlainRead").asDouble());
        out.printf("  end-to-end / raw COPY per run: %s (median %.3f)%n", perRun(result.get("endToEndOverCopyRuns")),
                result.get("endToEndOverCopy").asDouble());
        out.printf("  %s%n", cpuLine(result.get("cpuSeconds")));
        out.printf("  first progress %d ms after upload; peak heap %d MB (live after GC %d MB)%n",
                result.get("firstProgressMillis").asLong(), result.get("peakHeapMb").asLong(),
                result.get("peakLiveHeapMb").asLong());
        JsonNode ws = result.get("webSocket");
        out.printf("  WebSocket, %d subscribers: first message %d ms after upload (with records: %d ms); "
                + "change-to-message lag median %.1f ms, p95 %.1f ms (%,d messages)%n", ws.get("subscribers").asInt(),
                ws.get("firstMessageAfterUploadMillis").asLong(),
                ws.get("firstRecordsMessageAfterUploadMillis").asLong(),
                ws.get("lagMedianMillis").asDouble(), ws.get("lagP95Millis").asDouble(), ws.get("messages").asLong());
        JsonNode publish = result.path("publish");
        for (String strategy : List.of("append", "upsert")) {
            JsonNode figures = publish.path(strategy);
            if (!figures.isMissingNode()) {
                out.printf("  publish of the median run's records (%s): %.2f s, %,d records/s, publish / raw COPY ="
                        + " %.3f%n", strategy, figures.get("seconds").asDouble(),
                        figures.get("recordsPerSecond").asLong(), figures.get("publishOverCopy").asDouble());
            }
        }
        out.printf("  every record accounted for, in every run: %s%n",
                result.get("targets").get("everyRecordAccountedFor").asBoolean());
        if (json) {
            out.println(JSON.writeValueAsString(result));
        }
    }

    private static String perRun(JsonNode ratios) {
        List<String> formatted = new ArrayList<>();
        ratios.forEach(ratio -> formatted.add(String.format("%.3f", ratio.asDouble())));
        return String.join(" ", formatted);
    }

    private static String cpuLine(JsonNode cpu) {
        StringBuilder line = new StringBuilder(
                String.format("CPU during end to end: JVM %.1f s", cpu.get("jvm").asDouble()));
        if (cpu.has("loaderThreads")) {
            line.append(String.format(" (loaders %.1f s)", cpu.get("loaderThreads").asDouble()));
        }
        if (cpu.has("jit")) {
            line.append(String.format(" (JIT %.1f s)", cpu.get("jit").asDouble()));
        }
        if (cpu.has("postgres")) {
            line.append(String.format(", PostgreSQL %.1f s", cpu.get("postgres").asDouble()));
        }
        return line.append(String.format(", over %.1f s wall on %d cores", cpu.get("wall").asDouble(),
                cpu.get("cores").asInt())).toString();
    }
}
