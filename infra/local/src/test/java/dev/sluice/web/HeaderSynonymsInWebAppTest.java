package dev.sluice.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.HeaderMatcher;
import dev.sluice.domain.mapping.HeaderSynonyms;
import dev.sluice.local.TestDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The web app's copy of the header names ({@code SYNONYMS} in {@code web/js/mapping.js}) is the server's
 * {@link HeaderSynonyms}, name for name and in order, and its {@code normalizeHeader} equals
 * {@link HeaderMatcher#normalize}, so the preview maps a header by name exactly as an import does.
 */
class HeaderSynonymsInWebAppTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TRICKY_NAMES = List.of("Coût", "IMPRESSÕES", " Amount spent (USD) ",
            "Source / medium", "Día", "Käufe", "Réseau", "Clics sur un lien", "Conv.", "(x)", "Été", "Mídia",
            "Início dos relatórios", "Kosten in EUR", "Link-Klicks");

    @Test
    void theWebAppHasTheServersHeaderNamesAndNormalizesThemTheSameWay() throws Exception {
        Path web = TestDirs.repoRoot().resolve("web");
        String script = "import { SYNONYMS, normalizeHeader } from './js/mapping.js';\n"
                + "const names = JSON.parse(process.argv[1]);\n"
                + "console.log(JSON.stringify({ synonyms: SYNONYMS, normalized: names.map(normalizeHeader) }));";
        ProcessBuilder builder = new ProcessBuilder("node", "--input-type=module", "-e", script,
                JSON.writeValueAsString(TRICKY_NAMES)).directory(web.toFile()).redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            Assumptions.abort("needs Node.js 18+: " + e.getMessage());
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue(), output);
        JsonNode result = JSON.readTree(output);

        Map<String, List<String>> server = new LinkedHashMap<>();
        for (CanonicalField field : CanonicalField.values()) {
            server.put(field.fieldName(), HeaderSynonyms.namesOf(field));
        }
        Map<String, List<String>> browser = new LinkedHashMap<>();
        result.get("synonyms").properties().forEach(e -> browser.put(e.getKey(), strings(e.getValue())));
        assertEquals(server, browser, "web/js/mapping.js SYNONYMS must list HeaderSynonyms' names in order");

        List<String> normalized = TRICKY_NAMES.stream().map(HeaderMatcher::normalize).toList();
        assertEquals(normalized, strings(result.get("normalized")));
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return values;
    }
}
