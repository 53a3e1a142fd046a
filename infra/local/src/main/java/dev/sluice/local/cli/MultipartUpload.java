package dev.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The multipart form of an upload (docs/uploads.md): each part's byte range is streamed from the file to its
 * presigned URL, {@value #IN_FLIGHT} at a time, then {@code completeUrl} assembles the object. Any part that
 * still fails after its retries aborts the whole upload, so no half-uploaded run waits for its expiry.
 */
final class MultipartUpload {
    static final int IN_FLIGHT = 2;
    /** Retries after the first attempt of a part, for I/O errors and 5xx only: a 4xx will not change. */
    static final int RETRIES = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MIB = 1024.0 * 1024.0;

    private final IngestCommand.Ingest api;
    private final Path file;
    private final long size;
    private final JsonNode upload;
    private final String runId;
    private final AtomicLong sent = new AtomicLong();

    MultipartUpload(IngestCommand.Ingest api, Path file, long size, JsonNode upload) {
        this.api = api;
        this.file = file;
        this.size = size;
        this.upload = upload;
        this.runId = upload.path("runId").asText();
    }

    private record Part(int number, long offset, long size, String url, JsonNode headers) {
    }

    private record Uploaded(int number, String etag) {
    }

    /** A part that could not be stored; its message names the file and the part. */
    private static final class PartFailed extends Exception {
        private static final long serialVersionUID = 1L;

        PartFailed(String message) {
            super(message);
        }
    }

    void run() throws Exception {
        List<Part> parts = plan();
        List<Uploaded> done = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT, runnable -> {
            Thread thread = new Thread(runnable, "ingest-part");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ExecutorCompletionService<Uploaded> completion = new ExecutorCompletionService<>(pool);
            List<Future<Uploaded>> futures = new ArrayList<>();
            for (Part part : parts) {
                futures.add(completion.submit(() -> put(part, parts.size())));
            }
            for (int i = 0; i < parts.size(); i++) {
                try {
                    done.add(completion.take().get());
                } catch (ExecutionException e) {
                    futures.forEach(future -> future.cancel(true));
                    String reason = e.getCause() instanceof PartFailed failed ? failed.getMessage()
                            : file + ": a part failed: " + e.getCause();
                    throw abortWith(reason);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        complete(done);
    }

    private List<Part> plan() throws IngestCommand.CannotRun {
        List<Part> parts = new ArrayList<>();
        long offset = 0;
        for (JsonNode part : upload.path("parts")) {
            long partSize = part.path("size").asLong(-1);
            String url = part.path("url").asText();
            if (partSize < 0 || url.isEmpty()) {
                throw abortWith(file + ": the API answered a part without url/size: " + part);
            }
            parts.add(new Part(part.path("partNumber").asInt(parts.size() + 1), offset, partSize, url,
                    part.path("headers")));
            offset += partSize;
        }
        if (offset != size) {
            throw abortWith(file + ": the API's parts cover " + offset + " bytes, the file has " + size);
        }
        return parts;
    }

    private Uploaded put(Part part, int count) throws PartFailed, InterruptedException {
        String failure = "";
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; attempt <= RETRIES + 1; attempt++) {
            if (attempt > 1) {
                api.human().printf(Locale.ROOT, "%s: part %d/%d: %s; retrying in %.1f s%n", file.getFileName(),
                        part.number(), count, failure, backoff.toMillis() / 1000.0);
                Thread.sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(part.url()))
                    .timeout(Duration.ofSeconds(60 + part.size() / (1024 * 1024)))
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> range(part)), part.size()));
            IngestCommand.Ingest.copyHeaders(part.headers(), request);
            HttpResponse<String> response;
            try {
                response = api.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException | UncheckedIOException e) {
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                continue;
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                String etag = response.headers().firstValue("ETag").orElse("");
                if (etag.isEmpty()) {
                    throw new PartFailed(file + ": part " + part.number() + " of " + count
                            + " was stored but storage answered without an ETag");
                }
                long total = sent.addAndGet(part.size());
                api.human().printf(Locale.ROOT, "%s: part %d/%d uploaded (%.1f MiB, %.1f of %.1f MiB)%n",
                        file.getFileName(), part.number(), count, part.size() / MIB, total / MIB, size / MIB);
                api.human().flush();
                return new Uploaded(part.number(), etag);
            }
            failure = "HTTP " + status + " " + IngestCommand.Ingest.errorMessage(response.body()).strip();
            if (status / 100 == 4) {
                throw new PartFailed(file + ": storage refused part " + part.number() + " of " + count + ": "
                        + failure);
            }
        }
        throw new PartFailed(file + ": part " + part.number() + " of " + count + " failed after "
                + (RETRIES + 1) + " attempts: " + failure);
    }

    /** Exactly the part's bytes, read from the file as the request body is sent. */
    private InputStream range(Part part) {
        try {
            SeekableByteChannel channel = Files.newByteChannel(file);
            channel.position(part.offset());
            return new Limited(Channels.newInputStream(channel), part.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void complete(List<Uploaded> done) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("parts");
        done.stream().sorted((a, b) -> Integer.compare(a.number(), b.number())).forEach(part ->
                list.addObject().put("partNumber", part.number()).put("etag", part.etag()));
        HttpResponse<String> response;
        try {
            response = api.send(HttpRequest.newBuilder(api.base().resolve(upload.path("completeUrl").asText()))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        } catch (IngestCommand.CannotRun e) {
            throw abortWith(file + ": completing the upload failed: " + e.getMessage());
        }
        if (response.statusCode() / 100 != 2) {
            throw abortWith(file + ": completing the upload failed (HTTP " + response.statusCode() + "): "
                    + IngestCommand.Ingest.errorMessage(response.body()));
        }
    }

    /** Aborts the upload (best effort: the server expires it anyway) and says so. */
    private IngestCommand.CannotRun abortWith(String reason) {
        String outcome;
        try {
            HttpResponse<String> response = api.send(HttpRequest.newBuilder(
                    api.base().resolve(upload.path("abortUrl").asText())).POST(HttpRequest.BodyPublishers.noBody())
                    .build());
            outcome = response.statusCode() / 100 == 2 ? "upload aborted (run " + runId + " CANCELLED)"
                    : "abort answered HTTP " + response.statusCode() + " (run " + runId + " expires on its own)";
        } catch (IngestCommand.CannotRun e) {
            outcome = "abort failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "abort interrupted";
        }
        return new IngestCommand.CannotRun(reason + "; " + outcome);
    }

    /** Ends after {@code remaining} bytes. */
    private static final class Limited extends FilterInputStream {
        private long remaining;

        Limited(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
