package dev.sluice.domain.transform;

import dev.sluice.domain.transform.ExpressionException.Problem;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed expression of Sluice's small transformation language (README, "Transformations and calculated
 * columns"). Parsing checks everything that can be checked without values (syntax, functions and their argument
 * counts, literal date patterns and locales, the limits); evaluating reads columns through a {@link Scope} and
 * fails only with an {@link ExpressionException} naming the expression. There is no reflection and no way out of
 * the language: a name is a column, a call is one of the built-in functions.
 */
public final class Expression {
    /** Longest expression text, in characters. */
    public static final int MAX_LENGTH = 1000;
    /** Deepest nesting of parentheses, calls and unary operators. */
    public static final int MAX_DEPTH = 32;
    /** Most values, columns, operators and calls in one expression. */
    public static final int MAX_NODES = 200;
    /** Longest text an expression may build or hold as a literal, in characters. */
    public static final int MAX_STRING = 10_000;

    /** Where an evaluation reads its values. */
    public interface Scope {
        /** The value of a column the expression names ({@link #columns()} were checked before). */
        Object column(String name);

        /** The value a pipeline step transforms. */
        default Object input() {
            return null;
        }
    }

    private final String source;
    private final Node root;
    private final Set<String> columns;

    private Expression(String source, Node root) {
        this.source = source;
        this.root = root;
        Set<String> names = new LinkedHashSet<>();
        collect(root, names);
        this.columns = Collections.unmodifiableSet(names);
    }

    /** @throws ExpressionException with a position, for a text that is not an expression or breaks a limit */
    public static Expression parse(String source) {
        return new Expression(source, Parser.expression(checked(source)));
    }

    /** A pipeline step ({@code trim}, {@code replace(',', '.')}) whose value is given by {@link Scope#input()}. */
    public static Expression step(String source) {
        return new Expression(source, Parser.step(checked(source)));
    }

    private static String checked(String source) {
        Objects.requireNonNull(source, "source");
        if (source.isBlank()) {
            throw new ExpressionException(Problem.SYNTAX, source, 1, "is empty");
        }
        int nul = source.indexOf('\0');
        if (nul >= 0) {
            throw new ExpressionException(Problem.SYNTAX, source, nul + 1, "holds a NUL character (U+0000), which "
                    + "no stored text can hold");
        }
        if (source.length() > MAX_LENGTH) {
            throw new ExpressionException(Problem.LIMIT, source, MAX_LENGTH + 1, "is " + source.length()
                    + " characters long; the most is " + MAX_LENGTH);
        }
        return source;
    }

    public String source() {
        return source;
    }

    /** The column names the expression reads, in the order written. */
    public Set<String> columns() {
        return columns;
    }

    /**
     * @return null, a String, a BigDecimal, a Boolean or a LocalDate
     * @throws ExpressionException for a value the expression cannot work with (text that is no number, division by
     *                             zero, text too long, ...)
     */
    public Object evaluate(Scope scope) {
        return root.evaluate(new Evaluation(source, scope));
    }

    private static void collect(Node node, Set<String> names) {
        switch (node) {
            case Node.Column column -> names.add(column.name());
            case Node.Negate negate -> collect(negate.operand(), names);
            case Node.Not not -> collect(not.operand(), names);
            case Node.Logical logical -> {
                collect(logical.left(), names);
                collect(logical.right(), names);
            }
            case Node.Arithmetic arithmetic -> {
                collect(arithmetic.left(), names);
                collect(arithmetic.right(), names);
            }
            case Node.Comparison comparison -> {
                collect(comparison.left(), names);
                collect(comparison.right(), names);
            }
            case Node.Call call -> call.arguments().forEach(argument -> collect(argument, names));
            case Node.Literal literal -> {
            }
            case Node.Input input -> {
            }
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
