package dev.sluice.domain.transform;

/**
 * One token of an expression.
 *
 * @param text     the value: a number's digits, a string without its quotes, a name (a bracketed one without its
 *                 brackets), an operator
 * @param position 1-based character where the token starts
 */
record Token(Type type, String text, int position) {
    enum Type {
        NUMBER, STRING, NAME,
        /** A name written in brackets: always a column, even {@code [and]} or {@code [null]}. */
        BRACKETED_NAME, OPERATOR, LEFT_PAREN, RIGHT_PAREN, COMMA, END
    }

    boolean isOperator(String value) {
        return type == Type.OPERATOR && text.equals(value);
    }

    boolean isKeyword(String keyword) {
        return type == Type.NAME && text.equalsIgnoreCase(keyword);
    }

    String describe() {
        return switch (type) {
            case END -> "the end of the expression";
            case STRING -> "the string '" + text + "'";
            case BRACKETED_NAME -> "[" + text + "]";
            default -> "'" + text + "'";
        };
    }
}
