package dev.sluice.domain.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The row error codes are documented once, on the constants of {@link RowErrorCode}; README's list must say the
 * same, code by code and word by word, so the two cannot drift apart.
 */
class RowErrorCodeDocsTest {
    private static final Path SOURCE = Path.of("src/main/java/dev/sluice/domain/validation/RowErrorCode.java");
    private static final Pattern CONSTANT = Pattern.compile("/\\*\\*(.*?)\\*/\\s*([A-Z_]+)\\s*[,;}]",
            Pattern.DOTALL);
    private static final Pattern ITEM = Pattern.compile("^- `([A-Z_]+)`: (.*)$");

    @Test
    void everyConstantHasItsWhenAndWhatToDo() throws IOException {
        Map<String, String> documented = javadocs();
        assertEquals(Arrays.stream(RowErrorCode.values()).map(Enum::name).toList(), List.copyOf(documented.keySet()),
                "every constant, in order, has a comment");
        // When it happens, then what to do: at least two sentences.
        documented.forEach((code, text) -> assertTrue(text.matches(".+\\. \\S.*\\."), code + ": " + text));
    }

    @Test
    void readmeListsTheCodesAsTheEnumDocumentsThem() throws IOException {
        Map<String, String> documented = javadocs();
        Map<String, String> listed = readmeList();
        assertEquals(List.copyOf(documented.keySet()), List.copyOf(listed.keySet()),
                "README lists every code, in order");
        documented.forEach((code, text) -> assertEquals(text, listed.get(code), "README on " + code));
    }

    /** Each constant's comment as one line, with {@code {@code x}} written as Markdown code. */
    private static Map<String, String> javadocs() throws IOException {
        String source = Files.readString(SOURCE);
        String body = source.substring(source.indexOf("public enum RowErrorCode"));
        Map<String, String> docs = new LinkedHashMap<>();
        Matcher m = CONSTANT.matcher(body);
        while (m.find()) {
            String text = m.group(1).replaceAll("(?m)^\\s*\\*", " ").replaceAll("\\s+", " ").strip();
            docs.put(m.group(2), text.replaceAll("\\{@code ([^}]*)}", "`$1`"));
        }
        return docs;
    }

    /** The list under "Row errors and file failures": {@code - `CODE`: text}, continued on indented lines. */
    private static Map<String, String> readmeList() throws IOException {
        List<String> lines = Files.readAllLines(readme());
        int start = lines.indexOf("### Row errors and file failures");
        Map<String, String> items = new LinkedHashMap<>();
        String code = null;
        StringBuilder text = new StringBuilder();
        for (String line : lines.subList(start + 1, lines.size())) {
            Matcher item = ITEM.matcher(line);
            if (item.matches()) {
                if (code != null) {
                    items.put(code, text.toString());
                }
                code = item.group(1);
                text = new StringBuilder(item.group(2).strip());
            } else if (code != null && line.startsWith("  ")) {
                text.append(' ').append(line.strip());
            } else if (code != null) {
                break;
            }
        }
        if (code != null) {
            items.put(code, text.toString());
        }
        return items;
    }

    private static Path readme() {
        for (String candidate : List.of("../README.md", "README.md")) {
            if (Files.isRegularFile(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("README.md not found from " + Path.of("").toAbsolutePath());
    }
}
