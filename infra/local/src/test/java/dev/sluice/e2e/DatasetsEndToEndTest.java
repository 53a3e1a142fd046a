package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, datasets, through the running local stack over real HTTP: create, list, read, change and delete a
 * dataset, another user's dataset answering 404, uploads into a dataset and into the default one, and the mapping a
 * user gave remembered for the next file with the same header.
 */
class DatasetsEndToEndTest {
    /** Headers no synonym matches: without a mapping (given or saved) the file has no required column. */
    private static final String HEADER = "Tag;Kampagne;Kanal;Kosten\n";
    private static final Map<String, String> MANUAL = Map.of("date", "Tag", "campaign", "Kampagne",
            "channel", "Kanal", "spend", "Kosten");
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient admin;
    private static ApiClient demo;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-datasets");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir).build());
        admin = new ApiClient(sluice.baseUrl());
        demo = new ApiClient(sluice.baseUrl(), TestSignIn.DEMO, TestSignIn.DEMO_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @Test
    void aDatasetIsCreatedListedReadChangedAndDeletedOnlyByItsOwnerOrAnAdmin() throws Exception {
        ApiClient.Response created = demo.post("datasets", "{\"name\": \"Spring ads\", \"settings\": "
                + "{\"decimalStyle\": \"comma\"}, \"limits\": {\"maxColumns\": 40}}");
        assertEquals(201, created.status(), created.body()::toString);
        String id = created.body().get("id").asText();
        assertEquals("marketing", created.body().get("kind").asText());
        assertEquals("comma", created.body().at("/settings/decimalStyle").asText());
        assertEquals(40, created.body().at("/limits/maxColumns").asInt());

        assertEquals(created.body(), demo.get("datasets/" + id).body());
        assertTrue(names(demo.get("datasets").body()).contains("Spring ads"));
        assertTrue(!names(admin.get("datasets").body()).contains("Spring ads"), "the list is the caller's own");
        assertEquals(200, admin.get("datasets/" + id).status(), "admins see every dataset");

        ApiClient.Response refused = demo.post("datasets", "{\"name\": \"x\", \"settings\": {\"dateOrder\": "
                + "\"dym\"}}");
        assertEquals(400, refused.status());
        assertTrue(refused.body().at("/error/message").asText().startsWith("'settings.dateOrder'"),
                refused.body()::toString);
        ApiClient.Response kind = demo.patch("datasets/" + id, "{\"kind\": \"raw\"}");
        assertEquals(400, kind.status(), kind.body()::toString);

        ApiClient.Response renamed = demo.patch("datasets/" + id, "{\"name\": \"Autumn ads\"}");
        assertEquals(200, renamed.status(), renamed.body()::toString);
        assertEquals("Autumn ads", demo.get("datasets/" + id).body().get("name").asText());

        ApiClient.Response deleted = demo.delete("datasets/" + id);
        assertEquals(204, deleted.status());
        ApiClient.Response gone = demo.get("datasets/" + id);
        assertEquals(404, gone.status());
        assertEquals("NOT_FOUND", gone.body().at("/error/code").asText());
    }

    @Test
    void anotherUsersDatasetIsNotFoundForReadingChangingDeletingAndUploading() throws Exception {
        String adminsDataset = admin.post("datasets", "{\"name\": \"Admin's\"}").body().get("id").asText();
        ApiClient.Response missing = demo.get("datasets/ds_00000000000000000000");
        for (ApiClient.Response response : List.of(demo.get("datasets/" + adminsDataset),
                demo.patch("datasets/" + adminsDataset, "{\"name\": \"mine now\"}"),
                demo.delete("datasets/" + adminsDataset), demo.get("datasets/" + adminsDataset + "/runs"),
                demo.post("uploads", "{\"fileName\": \"a.csv\", \"contentLength\": 10, \"datasetId\": \""
                        + adminsDataset + "\"}"))) {
            assertEquals(404, response.status(), response.body()::toString);
            assertEquals("NOT_FOUND", response.body().at("/error/code").asText());
        }
        assertEquals(missing.body().at("/error/message").asText().replace("ds_00000000000000000000", adminsDataset),
                demo.get("datasets/" + adminsDataset).body().at("/error/message").asText(),
                "someone else's dataset answers like a missing one");
        assertEquals("Admin's", admin.get("datasets/" + adminsDataset).body().get("name").asText());
    }

    @Test
    void anUploadGoesIntoItsDatasetOrTheDefaultOneAndDeletingTheDatasetDeletesItsRunsAndRecords() throws Exception {
        String id = demo.post("datasets", "{\"name\": \"Imports\"}").body().get("id").asText();
        String runId = demo.upload("named.csv", csv("2024-03-01;Frühling;Suche;12,50"), MANUAL, id);
        JsonNode run = demo.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals(id, run.get("datasetId").asText());
        assertEquals("marketing", run.get("datasetKind").asText());
        JsonNode runsOf = demo.get("datasets/" + id + "/runs").body();
        assertEquals(List.of(runId), runIds(runsOf));
        assertTrue(runsOf.get("next").isNull());

        String defaultRun = demo.upload("default.csv", csv("2024-03-02;Sommer;Suche;3,00"), MANUAL);
        JsonNode fallback = demo.awaitFinal(defaultRun);
        assertEquals("SUCCEEDED", fallback.get("status").asText(), fallback::toString);
        String defaultId = fallback.get("datasetId").asText();
        JsonNode defaultDataset = demo.get("datasets/" + defaultId).body();
        assertTrue(defaultDataset.get("default").asBoolean(), defaultDataset::toString);
        assertEquals("marketing", defaultDataset.get("kind").asText());
        long defaults = demo.get("datasets").body().get("datasets").findValues("default").stream()
                .filter(JsonNode::asBoolean).count();
        assertEquals(1, defaults, "the default dataset appears once");

        assertEquals(1, demo.get("runs/" + runId + "/records").body().get("items").size());
        assertEquals(204, demo.delete("datasets/" + id).status());
        assertEquals(404, demo.get("runs/" + runId).status(), "its runs are gone");
        assertEquals(404, demo.get("runs/" + runId + "/records").status());
        assertEquals(200, demo.get("runs/" + defaultRun).status(), "another dataset's run stays");
    }

    @Test
    void aMappingGivenForOneFileIsSavedAndUsedForTheNextFileWithTheSameHeader() throws Exception {
        String id = demo.post("datasets", "{\"name\": \"German exports\"}").body().get("id").asText();
        JsonNode first = demo.awaitFinal(demo.upload("march.csv", csv("2024-03-01;Frühling;Suche;12,50"), MANUAL,
                id));
        assertEquals("SUCCEEDED", first.get("status").asText(), first::toString);
        assertEquals("given", first.at("/file/mappingSource").asText(), first::toString);
        JsonNode saved = demo.get("datasets/" + id).body().get("mapping");
        assertEquals("Kosten", saved.at("/columns/spend").asText(), saved::toString);
        assertEquals(List.of("Tag", "Kampagne", "Kanal", "Kosten"), texts(saved.get("header")));

        JsonNode second = demo.awaitFinal(demo.upload("april.csv", csv("2024-04-01;Ostern;Suche;7,25"), null, id));
        assertEquals("SUCCEEDED", second.get("status").asText(), second::toString);
        assertEquals("saved", second.at("/file/mappingSource").asText(), second::toString);
        assertEquals(first.at("/file/mapping"), second.at("/file/mapping"));
        assertEquals(1, second.get("stored").asLong());

        JsonNode other = demo.awaitFinal(demo.upload("other.csv", ("Date,Campaign,Channel,Spend\n"
                + "2024-04-02,b,search,1.00\n").getBytes(StandardCharsets.UTF_8), null, id));
        assertEquals("suggested", other.at("/file/mappingSource").asText(), other::toString);
    }

    private static byte[] csv(String row) {
        return (HEADER + row + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.get("datasets").forEach(d -> names.add(d.get("name").asText()));
        return names;
    }

    private static List<String> runIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("runs").forEach(r -> ids.add(r.get("runId").asText()));
        return ids;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }
}
