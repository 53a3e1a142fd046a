package dev.sluice.domain.mapping;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Suggests which header column feeds each canonical field, from the names ad platforms use in their exports.
 *
 * <p>Names are compared after {@link #normalize(String)}: case, spaces, punctuation and a parenthesized suffix
 * such as a currency ({@code Amount spent (USD)}) do not matter. For each field the synonyms are tried in the
 * order listed and the first header column matching one wins, so {@code Channel} is preferred over
 * {@code Source} when a file has both. A column feeds at most one field; anything not matched exactly is left
 * unmapped rather than guessed.
 */
public final class HeaderMatcher {
    private static final Map<CanonicalField, List<String>> SYNONYMS = synonyms();

    private HeaderMatcher() {
    }

    private static Map<CanonicalField, List<String>> synonyms() {
        Map<CanonicalField, List<String>> map = new EnumMap<>(CanonicalField.class);
        map.put(CanonicalField.DATE, List.of("Date", "Day", "Reporting starts", "Report date", "Week"));
        map.put(CanonicalField.CAMPAIGN, List.of("Campaign", "Campaign name"));
        map.put(CanonicalField.CHANNEL,
                List.of("Channel", "Source / medium", "Source", "Medium", "Platform", "Network"));
        map.put(CanonicalField.SPEND, List.of("Spend", "Cost", "Amount spent", "Media cost"));
        map.put(CanonicalField.CLICKS, List.of("Clicks", "Link clicks"));
        map.put(CanonicalField.CONVERSIONS, List.of("Conversions", "Results", "Purchases", "Conv."));
        map.put(CanonicalField.IMPRESSIONS, List.of("Impressions", "Impr."));
        return map;
    }

    /** The header names recognized for a field, for error messages. */
    public static List<String> synonymsOf(CanonicalField field) {
        return SYNONYMS.get(field);
    }

    /** Lower case, without a trailing parenthesized part and without anything but letters and digits. */
    public static String normalize(String header) {
        String name = header.strip();
        if (name.endsWith(")")) {
            int open = name.lastIndexOf('(');
            if (open > 0) {
                name = name.substring(0, open);
            }
        }
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
            for (String synonym : SYNONYMS.get(field)) {
                String wanted = normalize(synonym);
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
