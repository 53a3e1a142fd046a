package dev.sluice.domain.transform;

import java.util.List;
import java.util.Objects;

/**
 * How one mapped field (or, in a raw dataset, one column) gets its value when it is not simply its column: the
 * column's value through a pipeline of transforms, or a calculated expression over the record's columns.
 *
 * @param column     the header name read ({@code Cost}); null for a calculated field
 * @param steps      the pipeline applied to the column's value in order ({@code trim}, {@code replace(',', '.')},
 *                   {@code parse_number('de-DE')}); empty for a calculated field
 * @param expression the calculated field's expression; null for a column
 */
public record FieldTransform(String column, List<String> steps, String expression) {
    public FieldTransform {
        steps = steps == null ? List.of() : List.copyOf(steps);
        if ((column == null) == (expression == null)) {
            throw new IllegalArgumentException("a field is read from a column or calculated, not both nor neither");
        }
        if (expression != null && !steps.isEmpty()) {
            throw new IllegalArgumentException("a calculated field has no transform steps");
        }
        steps.forEach(step -> Objects.requireNonNull(step, "step"));
    }

    public static FieldTransform pipeline(String column, List<String> steps) {
        return new FieldTransform(column, steps, null);
    }

    public static FieldTransform calculated(String expression) {
        return new FieldTransform(null, List.of(), expression);
    }

    public boolean isCalculated() {
        return expression != null;
    }

    /** How the transformation is named in messages: the expression, or the steps joined by {@code |}. */
    public String describe() {
        return isCalculated() ? expression : String.join(" | ", steps);
    }

    /** Characters of expression text it holds, the measure of {@link Transforms#MAX_TEXT}. */
    int textLength() {
        return isCalculated() ? expression.length() : steps.stream().mapToInt(String::length).sum();
    }
}
