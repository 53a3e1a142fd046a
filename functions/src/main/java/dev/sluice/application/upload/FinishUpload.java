package dev.sluice.application.upload;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.ObjectStore.UploadedPart;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.port.UploadLedger;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * POST /api/uploads/{runId}/complete and …/abort. Completing checks with S3 that every part is there with its
 * expected size before assembling the object (whose notification then starts the split like any upload); aborting
 * frees the parts and ends the run CANCELLED. Someone else's run answers like a missing one.
 */
public final class FinishUpload {
    private final ObjectStore objects;
    private final RunRepository runs;
    private final UploadLedger ledger;

    public FinishUpload(ObjectStore objects, RunRepository runs, UploadLedger ledger) {
        this.objects = objects;
        this.runs = runs;
        this.ledger = ledger;
    }

    /**
     * @param claimed the parts the client says it uploaded (partNumber → ETag); may be empty, then S3's list is used
     */
    public Run complete(String runId, String caller, boolean admin, Map<Integer, String> claimed) {
        Run run = visible(runId, caller, admin);
        if (!run.upload().multipart()) {
            throw new InvalidRequestException("NOT_MULTIPART", 409, "Run " + runId + " was created for a single "
                    + "PUT; there is nothing to complete.");
        }
        if (run.status() != RunStatus.CREATED) {
            if (!run.status().isFinal() || run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.PARTIAL) {
                return run;
            }
            throw notOpen(run);
        }
        if (objects.exists(run.bucket(), run.key())) {
            return run;
        }
        long partSize = run.upload().partSize();
        int count = (int) ((run.contentLength() + partSize - 1) / partSize);
        Map<Integer, UploadedPart> uploaded = new TreeMap<>();
        objects.listParts(run.bucket(), run.key(), run.upload().multipartUploadId())
                .forEach(p -> uploaded.put(p.partNumber(), p));
        List<Integer> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<UploadedPart> parts = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            long expected = Math.min(partSize, run.contentLength() - (n - 1) * partSize);
            UploadedPart part = uploaded.get(n);
            if (part == null) {
                missing.add(n);
            } else if (part.size() != expected) {
                wrong.add(n + " (" + part.size() + " bytes, expected " + expected + ")");
            } else if (claimed.containsKey(n) && !bare(claimed.get(n)).equals(bare(part.eTag()))) {
                wrong.add(n + " (ETag " + claimed.get(n) + " is not the stored part's)");
            } else {
                parts.add(part);
            }
        }
        if (!missing.isEmpty() || !wrong.isEmpty() || uploaded.size() > count) {
            throw new InvalidRequestException("UPLOAD_INCOMPLETE", 409, "The upload of run " + runId + " is not "
                    + "complete: " + (missing.isEmpty() ? "" : "parts missing: " + missing + "; ")
                    + (wrong.isEmpty() ? "" : "parts wrong: " + wrong + "; ")
                    + (uploaded.size() > count ? "more parts than the file has; " : "")
                    + "upload those parts again and call complete again.",
                    Map.of("missingParts", missing.toString()));
        }
        objects.completeMultipart(run.bucket(), run.key(), run.upload().multipartUploadId(), parts);
        return run;
    }

    public Run abort(String runId, String caller, boolean admin) {
        Run run = visible(runId, caller, admin);
        if (run.status() != RunStatus.CREATED || !ledger.cancel(runId, "UPLOAD_ABORTED",
                "The upload of '" + run.fileName() + "' was aborted; nothing was imported.")) {
            throw notOpen(runs.find(runId).orElse(run));
        }
        if (run.upload().multipart()) {
            objects.abortMultipart(run.bucket(), run.key(), run.upload().multipartUploadId());
        }
        return runs.find(runId).orElse(run);
    }

    private Run visible(String runId, String caller, boolean admin) {
        Optional<Run> run = runId.matches("[A-Za-z0-9-]{1,64}") ? runs.find(runId) : Optional.empty();
        if (run.isEmpty() || !admin && !caller.equals(run.get().owner())) {
            throw new InvalidRequestException("NOT_FOUND", 404, "No run with id '"
                    + (runId.length() > 64 ? runId.substring(0, 64) + "..." : runId) + "'");
        }
        return run.get();
    }

    private static InvalidRequestException notOpen(Run run) {
        return new InvalidRequestException("UPLOAD_NOT_OPEN", 409, "Run " + run.runId() + " no longer waits for "
                + "its file (status " + run.status() + "); start a new upload.");
    }

    private static String bare(String eTag) {
        return eTag == null ? "" : eTag.replace("\"", "");
    }
}
