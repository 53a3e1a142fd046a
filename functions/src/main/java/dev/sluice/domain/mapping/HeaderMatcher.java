package dev.sluice.domain.mapping;

import dev.sluice.domain.mapping.HeaderSynonyms.Language;
import dev.sluice.domain.mapping.HeaderSynonyms.Synonym;
import java.text.Normalizer;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Suggests which header column feeds each canonical field from the header names alone ({@link HeaderSynonyms}).
 * The web app's preview runs the same rules in the browser; {@link MappingSuggester} adds the column values,
 * confidences and conflicts on top.
 *
 * <p>Names are compared after {@link #normalize(String)}: case, accents, spaces, punctuation and a parenthesized
 * suffix such as a currency ({@code Amount spent (USD)}) do not matter. For each field the synonyms are tried in
 * the order listed and the first header column matching one wins, so {@code Channel} is preferred over
 * {@code Source} when a file has both. A column feeds at most one field; anything not matched exactly is left
 * unmapped rather than guessed.
 */
public final class HeaderMatcher {
    private HeaderMatcher() {
    }

    /** The English header names recognized for a field, best first, for error messages. */
    public static List<String> synonymsOf(CanonicalField field) {
        return HeaderSynonyms.of(field).stream().filter(s -> s.languages().contains(Language.ENGLISH))
                .map(Synonym::name).toList();
    }

    /**
     * Lower case, without accents, without a trailing parenthesized part and without anything but letters and
     * digits.
     */
    public static String normalize(String header) {
        String name = header.strip();
        if (name.endsWith(")")) {
            int open = name.lastIndexOf('(');
            if (open > 0) {
                name = name.substring(0, open);
            }
        }
        // Decomposed, an accented letter is its base letter plus combining marks, which are not letters.
        name = Normalizer.normalize(name, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** A mapping from the header alone; fields without a recognized column are absent. */
    public static Mapping suggest(List<String> header) {
        String[] normalized = header.stream().map(HeaderMatcher::normalize).toArray(String[]::new);
        boolean[] taken = new boolean[header.size()];
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        for (CanonicalField field : CanonicalField.values()) {
            search:
            for (Synonym synonym : HeaderSynonyms.of(field)) {
                String wanted = normalize(synonym.name());
                for (int i = 0; i < normalized.length; i++) {
                    if (!taken[i] && normalized[i].equals(wanted)) {
                        taken[i] = true;
                        columns.put(field, header.get(i));
                        break search;
                    }
                }
            }
        }
        return new Mapping(columns);
    }
}
