package dev.sluice.domain.mapping;

import dev.sluice.domain.mapping.ColumnValues.Shape;
import dev.sluice.domain.mapping.HeaderSynonyms.Synonym;
import dev.sluice.domain.mapping.MappingSuggestion.Conflict;
import dev.sluice.domain.mapping.MappingSuggestion.Suggested;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Proposes a canonical field for each header column, with a confidence and a reason, from the column's name
 * ({@link HeaderSynonyms}, seven languages) and the shape of its values in sample rows ({@link ColumnValues}).
 *
 * <p>In order:
 * <ol>
 *   <li><b>Names.</b> A header that is a known name (after {@link HeaderMatcher#normalize}) is a candidate for its
 *       field, 0.8–0.95 by how directly the name says the field; one with a currency code or a word such as
 *       "total" around a known name ({@code Cost EUR}, {@code Gesamt Klicks}) a little less. Values that fit the
 *       field raise the confidence slightly; values that cannot be the field ({@code Tag} full of words) lower it
 *       by {@value #VALUES_DISAGREE}. The best candidate per field wins (then the better-ranked name, then the
 *       earlier column); every other column named for that field is reported as a {@link Conflict} and left
 *       unmapped, never mapped to something else.</li>
 *   <li><b>Values alone</b>, for the fields still free and the columns no name matched: a column of dates
 *       (0.55), of ad platform names (0.5), of money (0.45), of whole numbers (by size: impressions, clicks,
 *       conversions; 0.3), of labels (by how many distinct values: campaign, channel; 0.3 and 0.25). Where more
 *       columns fit than fields are free, none is guessed (for whole numbers and labels) or the first is taken
 *       and the rest reported as a conflict (dates, platforms, money).</li>
 * </ol>
 */
public final class MappingSuggester {
    /** Rows of values looked at; the API accepts at most this many. */
    public static final int MAX_ROWS = 50;
    static final double VALUES_AGREE = 0.03;
    static final double VALUES_DISAGREE = 0.3;

    private static final Set<String> CURRENCIES = Set.of("usd", "eur", "euro", "euros", "gbp", "chf", "jpy",
            "cad", "aud", "nzd", "brl", "mxn", "ars", "clp", "cop", "pen", "sek", "nok", "dkk", "pln", "czk", "huf",
            "ron", "try", "inr", "cny", "hkd", "sgd", "zar", "aed", "sar", "ils", "krw", "twd", "thb", "idr", "myr",
            "php");
    /** Words joining a name to its currency: "Cost in EUR", "Coût en EUR", "Custo em BRL". */
    private static final Set<String> CURRENCY_JOINERS = Set.of("in", "en", "em", "di", "da", "de");
    /** Words around a name that do not change the field: "Total cost", "Gesamt Klicks", "All conv.". */
    private static final Set<String> QUALIFIERS = Set.of("total", "totals", "all", "sum", "overall", "gesamt",
            "insgesamt", "totale", "totaal", "totaux", "tot", "todos", "todas", "tutti", "tutte", "reported");
    /** Columns named like identifiers are numbers that count nothing: never guessed from their values. */
    private static final Set<String> IDENTIFIER_WORDS = Set.of("id", "ids", "key", "code", "url", "number", "nummer",
            "numero", "no", "nr", "num", "zip", "postcode", "phone", "year", "jahr", "annee", "ano", "anno", "jaar",
            "hour", "stunde", "heure", "hora", "ora", "uur");

    private MappingSuggester() {
    }

    /** A candidate column for a field. */
    private record Candidate(int column, CanonicalField field, double confidence, int rank, String reason) {
    }

    /**
     * @param header the header columns, in file order
     * @param rows   sample data rows (ragged rows are fine; only the first {@value #MAX_ROWS} are looked at)
     */
    public static MappingSuggestion suggest(List<String> header, List<List<String>> rows) {
        List<List<String>> sample = rows.size() > MAX_ROWS ? rows.subList(0, MAX_ROWS) : rows;
        int columns = header.size();
        List<ColumnValues> values = new ArrayList<>(columns);
        for (int c = 0; c < columns; c++) {
            List<String> column = new ArrayList<>(sample.size());
            for (List<String> row : sample) {
                column.add(c < row.size() ? row.get(c) : "");
            }
            values.add(ColumnValues.of(column));
        }

        List<Candidate> named = new ArrayList<>();
        boolean[] hasName = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            Optional<Candidate> candidate = byName(c, header.get(c), values.get(c));
            if (candidate.isPresent()) {
                named.add(candidate.get());
                hasName[c] = true;
            }
        }
        named.sort(Comparator.comparingDouble(Candidate::confidence).reversed()
                .thenComparingInt(Candidate::rank).thenComparingInt(Candidate::column));

        Assignment assignment = new Assignment(header);
        for (Candidate candidate : named) {
            assignment.offer(candidate);
        }
        byValues(header, values, hasName, assignment);
        return assignment.result();
    }

    /** Which fields and columns are taken, and who competed for what. */
    private static final class Assignment {
        private final List<String> header;
        private final Map<CanonicalField, Candidate> chosen = new EnumMap<>(CanonicalField.class);
        private final Map<CanonicalField, List<Integer>> losers = new EnumMap<>(CanonicalField.class);
        private final boolean[] used;

        Assignment(List<String> header) {
            this.header = header;
            this.used = new boolean[header.size()];
        }

        boolean free(CanonicalField field) {
            return !chosen.containsKey(field);
        }

        boolean free(int column) {
            return !used[column];
        }

        /** Takes the candidate if its field is free, else records it as competing; its column is spent either way. */
        void offer(Candidate candidate) {
            if (used[candidate.column()]) {
                return;
            }
            used[candidate.column()] = true;
            if (free(candidate.field())) {
                chosen.put(candidate.field(), candidate);
            } else {
                losers.computeIfAbsent(candidate.field(), f -> new ArrayList<>()).add(candidate.column());
            }
        }

        MappingSuggestion result() {
            Map<CanonicalField, Suggested> fields = new EnumMap<>(CanonicalField.class);
            boolean[] mapped = new boolean[header.size()];
            chosen.forEach((field, c) -> {
                fields.put(field, new Suggested(header.get(c.column()), round(c.confidence()), c.reason()));
                mapped[c.column()] = true;
            });
            List<String> unmapped = new ArrayList<>();
            for (int c = 0; c < header.size(); c++) {
                if (!mapped[c]) {
                    unmapped.add(header.get(c));
                }
            }
            List<Conflict> conflicts = new ArrayList<>();
            for (CanonicalField field : CanonicalField.values()) {
                List<Integer> lost = losers.get(field);
                if (lost != null) {
                    List<String> headers = new ArrayList<>();
                    headers.add(header.get(chosen.get(field).column()));
                    lost.stream().sorted().forEach(c -> headers.add(header.get(c)));
                    conflicts.add(new Conflict(field, headers));
                }
            }
            return new MappingSuggestion(fields, unmapped, conflicts);
        }
    }

    private static double round(double confidence) {
        return Math.round(Math.max(0, Math.min(1, confidence)) * 100) / 100.0;
    }

    /** The field a column's name suggests, if any, with the confidence its values leave it. */
    private static Optional<Candidate> byName(int column, String name, ColumnValues values) {
        Optional<Synonym> exact = HeaderSynonyms.byNormalizedName(HeaderMatcher.normalize(name));
        double penalty = 0;
        String how = "";
        Synonym synonym;
        if (exact.isPresent()) {
            synonym = exact.get();
        } else {
            Optional<Loose> loose = loose(name);
            if (loose.isEmpty()) {
                return Optional.empty();
            }
            synonym = loose.get().synonym();
            penalty = loose.get().penalty();
            how = " (\"" + synonym.name() + "\"" + loose.get().how() + ")";
        }
        CanonicalField field = synonym.field();
        double confidence = tierConfidence(synonym.tier()) - penalty;
        String reason = synonym.languageNames() + " name for " + field.fieldName() + how;
        int fit = fit(field, values);
        if (fit > 0) {
            confidence = Math.min(0.99, confidence + VALUES_AGREE);
            reason += "; the values are " + values.shape().words();
        } else if (fit < 0) {
            confidence -= VALUES_DISAGREE;
            reason += ", but the values are " + values.shape().words();
        }
        return Optional.of(new Candidate(column, field, confidence, synonym.rank(), reason));
    }

    private static double tierConfidence(int tier) {
        return Math.max(0.8, 0.95 - 0.05 * tier);
    }

    /** A known name inside a header with a currency code or a qualifier around it. */
    private record Loose(Synonym synonym, double penalty, String how) {
    }

    private static Optional<Loose> loose(String name) {
        List<String> words = words(name);
        String currency = null;
        if (words.size() > 1 && CURRENCIES.contains(words.get(words.size() - 1))) {
            currency = words.remove(words.size() - 1).toUpperCase(Locale.ROOT);
            if (words.size() > 1 && CURRENCY_JOINERS.contains(words.get(words.size() - 1))) {
                words.remove(words.size() - 1);
            }
        } else if (words.size() > 1 && CURRENCIES.contains(words.get(0))) {
            currency = words.remove(0).toUpperCase(Locale.ROOT);
        }
        List<String> qualifiers = new ArrayList<>();
        while (words.size() > 1 && QUALIFIERS.contains(words.get(0))) {
            qualifiers.add(words.remove(0));
        }
        while (words.size() > 1 && QUALIFIERS.contains(words.get(words.size() - 1))) {
            qualifiers.add(words.remove(words.size() - 1));
        }
        if (currency == null && qualifiers.isEmpty()) {
            return Optional.empty();
        }
        Optional<Synonym> synonym = HeaderSynonyms.byNormalizedName(String.join("", words));
        if (synonym.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        if (currency != null) {
            parts.add("the currency " + currency);
        }
        if (!qualifiers.isEmpty()) {
            parts.add("\"" + String.join(" ", qualifiers) + "\"");
        }
        return Optional.of(new Loose(synonym.get(), qualifiers.isEmpty() ? 0.01 : 0.05,
                " with " + String.join(" and ", parts)));
    }

    /** Lower-case words without accents, a trailing parenthesized or bracketed part dropped. */
    private static List<String> words(String name) {
        String text = name.strip().replaceAll("\\s*[(\\[][^()\\[\\]]*[)\\]]$", "");
        text = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        for (String word : text.split("[^\\p{L}\\p{Nd}]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /** +1 when the values fit the field, -1 when they cannot be the field, 0 when they say nothing. */
    static int fit(CanonicalField field, ColumnValues values) {
        Shape shape = values.shape();
        if (shape == Shape.UNKNOWN) {
            return 0;
        }
        return switch (field) {
            case DATE -> shape == Shape.DATE ? 1 : -1;
            case CAMPAIGN, CHANNEL -> shape == Shape.LABEL ? 1 : -1;
            case SPEND -> shape == Shape.MONEY || shape == Shape.DECIMAL || shape == Shape.INTEGER ? 1 : -1;
            case CLICKS, IMPRESSIONS -> shape == Shape.INTEGER ? 1 : shape == Shape.MONEY ? 0 : -1;
            case CONVERSIONS -> shape == Shape.INTEGER || shape == Shape.DECIMAL ? 1 : shape == Shape.MONEY ? 0 : -1;
        };
    }

    /** Guesses from values alone, for the free fields and the columns no name matched. */
    private static void byValues(List<String> header, List<ColumnValues> values, boolean[] hasName,
            Assignment assignment) {
        Map<Shape, List<Integer>> byShape = new LinkedHashMap<>();
        List<Integer> platformColumns = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            ColumnValues v = values.get(c);
            if (hasName[c] || !v.known() || looksLikeIdentifier(header.get(c))) {
                continue;
            }
            if (v.shape() == Shape.LABEL && v.namesPlatforms()) {
                platformColumns.add(c);
            } else {
                byShape.computeIfAbsent(v.shape(), s -> new ArrayList<>()).add(c);
            }
        }
        firstWithConflicts(byShape.get(Shape.DATE), CanonicalField.DATE, 0.55, values, assignment,
                "no known name; the values are dates");
        firstWithConflicts(platformColumns, CanonicalField.CHANNEL, 0.5, values, assignment,
                "no known name; the values are ad platforms or traffic sources");
        firstWithConflicts(byShape.get(Shape.MONEY), CanonicalField.SPEND, 0.45, values, assignment,
                "no known name; the values are money amounts");
        bySize(byShape.getOrDefault(Shape.INTEGER, List.of()), values, assignment);
        byVariety(byShape.getOrDefault(Shape.LABEL, List.of()), values, assignment);
    }

    private static boolean looksLikeIdentifier(String name) {
        return words(name).stream().anyMatch(IDENTIFIER_WORDS::contains);
    }

    private static void firstWithConflicts(List<Integer> columns, CanonicalField field, double confidence,
            List<ColumnValues> values, Assignment assignment, String reason) {
        if (columns == null || !assignment.free(field)) {
            return;
        }
        for (int c : columns) {
            ColumnValues v = values.get(c);
            assignment.offer(new Candidate(c, field, confidence, Integer.MAX_VALUE,
                    reason + " (" + v.matching() + " of " + v.values() + ")"));
        }
    }

    /** Whole-number columns, largest first, onto the free count fields, where each has exactly one column. */
    private static void bySize(List<Integer> columns, List<ColumnValues> values, Assignment assignment) {
        List<CanonicalField> free = new ArrayList<>();
        for (CanonicalField field : List.of(CanonicalField.IMPRESSIONS, CanonicalField.CLICKS,
                CanonicalField.CONVERSIONS)) {
            if (assignment.free(field)) {
                free.add(field);
            }
        }
        List<Integer> open = columns.stream().filter(assignment::free).toList();
        if (open.isEmpty() || open.size() > free.size()) {
            return;
        }
        List<Integer> largestFirst = open.stream()
                .sorted(Comparator.comparingDouble((Integer c) -> values.get(c).median()).reversed()).toList();
        // Fewer columns than fields: the smallest counts are the likeliest to be missing (conversions, clicks).
        for (int i = 0; i < largestFirst.size(); i++) {
            int c = largestFirst.get(i);
            String rank = largestFirst.size() == 1 ? "" : i == 0 ? ", the largest of " + largestFirst.size()
                    : ", number " + (i + 1) + " by size of " + largestFirst.size();
            assignment.offer(new Candidate(c, free.get(i), 0.3, Integer.MAX_VALUE,
                    "no known name; the values are whole numbers" + rank));
        }
    }

    /** Label columns onto campaign (the most varied) and channel, where each has exactly one column. */
    private static void byVariety(List<Integer> columns, List<ColumnValues> values, Assignment assignment) {
        List<CanonicalField> free = new ArrayList<>();
        for (CanonicalField field : List.of(CanonicalField.CAMPAIGN, CanonicalField.CHANNEL)) {
            if (assignment.free(field)) {
                free.add(field);
            }
        }
        List<Integer> open = columns.stream().filter(assignment::free).toList();
        if (open.isEmpty() || open.size() > free.size()) {
            return;
        }
        List<Integer> mostVaried = open.stream()
                .sorted(Comparator.comparingInt((Integer c) -> values.get(c).distinct()).reversed()).toList();
        for (int i = 0; i < mostVaried.size(); i++) {
            CanonicalField field = free.get(i);
            String how = mostVaried.size() == 1 ? "" : i == 0 ? ", the more varied of two" : ", the less varied of two";
            assignment.offer(new Candidate(mostVaried.get(i), field, field == CanonicalField.CAMPAIGN ? 0.3 : 0.25,
                    Integer.MAX_VALUE, "no known name; the values are labels" + how));
        }
    }
}
