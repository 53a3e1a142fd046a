package dev.sluice.domain.transform;

import dev.sluice.domain.transform.ExpressionException.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A mapping's transformations resolved against one file's header, once per chunk layout: every name an expression
 * reads is a column index, every expression is parsed. A transformation that cannot be bound (a broken expression in
 * a saved mapping, a column the file does not have) is kept as a rule that fails on every record, so the records are
 * rejected with the reason and the run still finishes.
 *
 * <p>A name in an expression is, first, a header name (exactly, then in any letter case); else a canonical field
 * name ({@code spend}), meaning the raw value of the column mapped to that field.
 */
public final class BoundTransforms {
    /** A record's values by column index; an index beyond the record is an empty value. */
    @FunctionalInterface
    public interface Cells {
        String get(int index);
    }

    /** How one field or column gets its value. */
    public static final class Rule {
        private final String name;
        private final FieldTransform transform;
        private final int sourceIndex;
        private final String sourceColumn;
        private final Expression[] expressions;
        private final Map<String, Integer> indexes;
        private final ExpressionException broken;

        Rule(String name, FieldTransform transform, int sourceIndex, String sourceColumn, Expression[] expressions,
                Map<String, Integer> indexes, ExpressionException broken) {
            this.name = name;
            this.transform = transform;
            this.sourceIndex = sourceIndex;
            this.sourceColumn = sourceColumn;
            this.expressions = expressions;
            this.indexes = indexes;
            this.broken = broken;
        }

        /** The field or column it makes. */
        public String name() {
            return name;
        }

        /** The header column it reads, or null for a calculated one. */
        public String sourceColumn() {
            return sourceColumn;
        }

        /** Index of that column in the header, or -1. */
        public int sourceIndex() {
            return sourceIndex;
        }

        /** The transformation as the user wrote it, for messages. */
        public String describe() {
            return transform.describe();
        }

        /** Non-null when the rule fails on every record (the problem found when it was bound). */
        public ExpressionException broken() {
            return broken;
        }

        /**
         * @return null, a String, a BigDecimal, a Boolean or a LocalDate
         * @throws ExpressionException naming the expression or step that failed
         */
        public Object apply(Cells cells) {
            if (broken != null) {
                throw broken;
            }
            if (transform.isCalculated()) {
                return expressions[0].evaluate(name -> cells.get(indexes.get(name)));
            }
            Object value = cells.get(sourceIndex);
            for (Expression step : expressions) {
                Object input = value;
                value = step.evaluate(new Expression.Scope() {
                    @Override
                    public Object column(String column) {
                        return cells.get(indexes.get(column));
                    }

                    @Override
                    public Object input() {
                        return input;
                    }
                });
            }
            return value;
        }
    }

    private final Map<String, Rule> fields;
    private final List<Rule> calculated;

    private BoundTransforms(Map<String, Rule> fields, List<Rule> calculated) {
        this.fields = fields;
        this.calculated = calculated;
    }

    /**
     * @param fieldColumns canonical field name to the header name mapped to it (marketing); empty for raw
     */
    public static BoundTransforms bind(Transforms transforms, List<String> header, Map<String, String> fieldColumns) {
        Map<String, Rule> fields = new LinkedHashMap<>();
        transforms.fields().forEach((name, transform) -> fields.put(name.toLowerCase(java.util.Locale.ROOT),
                rule(name, transform, header, fieldColumns)));
        List<Rule> calculated = new ArrayList<>();
        transforms.calculated().forEach((name, expression) -> calculated.add(
                rule(name, FieldTransform.calculated(expression), header, fieldColumns)));
        return new BoundTransforms(Collections.unmodifiableMap(fields), List.copyOf(calculated));
    }

    /** The rule of a field (marketing: canonical field name; raw: header name, any letter case), or null. */
    public Rule field(String name) {
        return fields.isEmpty() ? null : fields.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public List<Rule> calculated() {
        return calculated;
    }

    private static Rule rule(String name, FieldTransform transform, List<String> header,
            Map<String, String> fieldColumns) {
        String source = transform.isCalculated() ? transform.expression() : transform.describe();
        Expression[] expressions;
        try {
            expressions = Transforms.compile(transform);
        } catch (ExpressionException e) {
            return new Rule(name, transform, -1, transform.column(), new Expression[0], Map.of(), e);
        }
        int sourceIndex = -1;
        String sourceColumn = null;
        if (!transform.isCalculated()) {
            sourceIndex = indexOf(transform.column(), header, Map.of());
            if (sourceIndex < 0) {
                return new Rule(name, transform, -1, transform.column(), expressions, Map.of(),
                        unknown(source, transform.column(), header));
            }
            sourceColumn = header.get(sourceIndex);
        }
        Map<String, Integer> indexes = new HashMap<>();
        for (Expression expression : expressions) {
            for (String column : expression.columns()) {
                int index = indexOf(column, header, fieldColumns);
                if (index < 0) {
                    return new Rule(name, transform, sourceIndex, sourceColumn, expressions, Map.of(),
                            unknown(expression.source(), column, header));
                }
                indexes.put(column, index);
            }
        }
        return new Rule(name, transform, sourceIndex, sourceColumn, expressions, indexes, null);
    }

    private static int indexOf(String name, List<String> header, Map<String, String> fieldColumns) {
        int index = header.indexOf(name);
        for (int i = 0; index < 0 && i < header.size(); i++) {
            if (header.get(i).strip().equalsIgnoreCase(name.strip())) {
                index = i;
            }
        }
        if (index < 0) {
            for (Map.Entry<String, String> field : fieldColumns.entrySet()) {
                if (field.getKey().equalsIgnoreCase(name.strip())) {
                    return indexOf(field.getValue(), header, Map.of());
                }
            }
        }
        return index;
    }

    private static ExpressionException unknown(String source, String column, List<String> header) {
        String columns = header.stream().limit(30).map(h -> "\"" + h + "\"").collect(Collectors.joining(", "));
        return new ExpressionException(Problem.UNKNOWN_COLUMN, source, 0, "the file has no column \"" + column
                + "\"; its columns are " + columns + (header.size() > 30 ? ", ..." : ""));
    }
}
