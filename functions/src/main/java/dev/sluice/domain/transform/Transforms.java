package dev.sluice.domain.transform;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The transformations of a mapping. In a marketing dataset {@code fields} is keyed by canonical field name
 * ({@code spend}); in a raw dataset by header name, and {@code calculated} adds columns to each record's data.
 * Travels with the mapping from the upload request to the run, the dataset's saved mapping and every chunk
 * message, so its size is bounded ({@link #MAX_ENTRIES}, {@link #MAX_TEXT}): a chunk message must stay far below
 * SQS's 256 KiB.
 *
 * @param fields     field (or column) name to how its value is made, in the order given
 * @param calculated raw datasets: new column name to its expression, in the order given
 */
public record Transforms(Map<String, FieldTransform> fields, Map<String, String> calculated) {
    public static final Transforms NONE = new Transforms(Map.of(), Map.of());
    /** Most transformed fields plus calculated columns. */
    public static final int MAX_ENTRIES = 100;
    /** Most characters of expression and step text in all of them together. */
    public static final int MAX_TEXT = 20_000;
    /** Longest name of a calculated column. */
    public static final int MAX_NAME = 200;

    public Transforms {
        fields = fields == null || fields.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        calculated = calculated == null || calculated.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(calculated));
        fields.forEach((name, transform) -> {
            Objects.requireNonNull(name, "field name");
            Objects.requireNonNull(transform, "transform of " + name);
        });
        calculated.forEach((name, expression) -> {
            Objects.requireNonNull(name, "calculated column name");
            Objects.requireNonNull(expression, "expression of " + name);
        });
    }

    public boolean isEmpty() {
        return fields.isEmpty() && calculated.isEmpty();
    }

    /**
     * Parses every expression and step, so a broken one is found where it is given (an upload request, a dataset's
     * mapping) rather than on every record.
     *
     * @throws ExpressionException the first problem; its expression names the step or expression
     * @throws IllegalArgumentException for too many entries, too much text or a bad calculated column name
     */
    public Transforms checked() {
        if (fields.size() + calculated.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("has " + (fields.size() + calculated.size()) + " transformed and "
                    + "calculated columns; the most is " + MAX_ENTRIES);
        }
        int text = fields.values().stream().mapToInt(FieldTransform::textLength).sum()
                + calculated.values().stream().mapToInt(String::length).sum();
        if (text > MAX_TEXT) {
            throw new IllegalArgumentException("holds " + text + " characters of expressions; the most is "
                    + MAX_TEXT);
        }
        fields.values().forEach(Transforms::compile);
        calculated.forEach((name, expression) -> {
            if (name.isBlank() || name.length() > MAX_NAME || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("names a calculated column '" + name + "'; a name is 1 to "
                        + MAX_NAME + " characters");
            }
            Expression.parse(expression);
        });
        return this;
    }

    /**
     * The key under which a run's requested mapping ({@code {field: header}}, a map of strings kept on the run) also
     * holds the requested transformations, in {@link #encode()}'s form. No canonical field or header name starts
     * with {@code $}.
     */
    public static final String REQUESTED_KEY = "$transforms";

    /**
     * A compact text form for places that keep strings (a run's requested mapping, a dataset item): every string is
     * written as {@code length:text}, so no character needs escaping. {@link #decode(String)} reads it back.
     */
    public String encode() {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, transform) -> {
            put(out, "field");
            put(out, name);
            if (transform.isCalculated()) {
                put(out, "expression");
                put(out, transform.expression());
            } else {
                put(out, "column");
                put(out, transform.column());
                put(out, String.valueOf(transform.steps().size()));
                transform.steps().forEach(step -> put(out, step));
            }
        });
        calculated.forEach((name, expression) -> {
            put(out, "calculated");
            put(out, name);
            put(out, expression);
        });
        return out.toString();
    }

    /** @throws IllegalArgumentException for text {@link #encode()} did not write */
    public static Transforms decode(String text) {
        if (text == null || text.isEmpty()) {
            return NONE;
        }
        int[] at = {0};
        Map<String, FieldTransform> fields = new LinkedHashMap<>();
        Map<String, String> calculated = new LinkedHashMap<>();
        while (at[0] < text.length()) {
            String kind = take(text, at);
            String name = take(text, at);
            if (kind.equals("calculated")) {
                calculated.put(name, take(text, at));
                continue;
            }
            if (!kind.equals("field")) {
                throw new IllegalArgumentException("transforms text has an entry of kind '" + kind + "'");
            }
            String mode = take(text, at);
            if (mode.equals("expression")) {
                fields.put(name, FieldTransform.calculated(take(text, at)));
            } else {
                String column = take(text, at);
                int count = Integer.parseInt(take(text, at));
                java.util.List<String> steps = new java.util.ArrayList<>();
                for (int i = 0; i < count; i++) {
                    steps.add(take(text, at));
                }
                fields.put(name, FieldTransform.pipeline(column, steps));
            }
        }
        return new Transforms(fields, calculated);
    }

    private static void put(StringBuilder out, String value) {
        out.append(value.length()).append(':').append(value);
    }

    private static String take(String text, int[] at) {
        int colon = text.indexOf(':', at[0]);
        if (colon < 0) {
            throw new IllegalArgumentException("transforms text ends in the middle of an entry");
        }
        int length;
        try {
            length = Integer.parseInt(text.substring(at[0], colon));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("transforms text has no length at character " + at[0], e);
        }
        if (length < 0 || colon + 1 + length > text.length()) {
            throw new IllegalArgumentException("transforms text is cut short at character " + at[0]);
        }
        at[0] = colon + 1 + length;
        return text.substring(colon + 1, colon + 1 + length);
    }

    /** The pipeline's steps or the calculated expression, parsed. */
    static Expression[] compile(FieldTransform transform) {
        if (transform.isCalculated()) {
            return new Expression[] {Expression.parse(transform.expression())};
        }
        Expression[] steps = new Expression[transform.steps().size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = Expression.step(transform.steps().get(i));
        }
        return steps;
    }
}
