package dev.sluice.domain.transform;

/**
 * A transformation or calculated column that cannot be parsed or cannot be evaluated on a value. The message names
 * the expression and the problem, and for a syntax problem the position (1-based character) where it was found.
 */
public final class ExpressionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong; {@link #SYNTAX} and {@link #LIMIT} are found before any value is read. */
    public enum Problem {
        /** The text is not an expression: an unexpected character or token, a missing parenthesis, ... */
        SYNTAX,
        /** The expression is longer, deeper or larger than the language allows. */
        LIMIT,
        /** A function name or argument count the language does not have. */
        UNKNOWN_FUNCTION,
        /** A name that is no column of the file (found when the expression is bound to a header). */
        UNKNOWN_COLUMN,
        /** A value of the wrong type or shape: text that is no number, division by zero, a string too long, ... */
        EVALUATION
    }

    private final Problem problem;
    private final String expression;
    private final int position;
    private final String detail;

    /**
     * @param position 1-based character of the expression where the problem was found, or 0 when it is about a value
     */
    public ExpressionException(Problem problem, String expression, int position, String detail) {
        super("expression \"" + shorten(expression) + "\": " + detail + (position > 0 ? " (at character "
                + position + ")" : ""));
        this.problem = problem;
        this.expression = expression;
        this.position = position;
        this.detail = detail;
    }

    public Problem problem() {
        return problem;
    }

    public String expression() {
        return expression;
    }

    /** 1-based character where the problem was found, or 0 when it is about a value. */
    public int position() {
        return position;
    }

    /** The problem without the expression: {@code division by zero}. */
    public String detail() {
        return detail;
    }

    /** True for problems of the text itself, which no value can fix. */
    public boolean isStatic() {
        return problem != Problem.EVALUATION;
    }

    /** The same problem, reported against another expression text (a pipeline step inside its field). */
    ExpressionException in(String otherExpression) {
        return new ExpressionException(problem, otherExpression, position, detail);
    }

    private static String shorten(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
