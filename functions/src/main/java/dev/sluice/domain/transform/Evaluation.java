package dev.sluice.domain.transform;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** One evaluation of one expression: where column values come from, and the conversions that name the expression. */
record Evaluation(String source, Expression.Scope scope) {
    ExpressionException failure(int position, String detail) {
        return new ExpressionException(ExpressionException.Problem.EVALUATION, source, position, detail);
    }

    /** A number, or text that is a plain number; null stays null. */
    BigDecimal number(Object value, String operation, int position) {
        if (value == null || value instanceof BigDecimal) {
            return (BigDecimal) value;
        }
        if (value instanceof String text) {
            BigDecimal number = Values.plainNumber(text);
            if (number != null) {
                return number;
            }
            throw failure(position, Values.quote(value) + " is not a number, so " + operation + " cannot use it"
                    + (text.contains(",") ? "; for 1.234,56 or 1,234.56 use parse_number(x, 'de-DE') or "
                    + "parse_number(x, 'en-US')" : "") + (operation.equals("+") ? "; to join text use concat(a, b)"
                    : ""));
        }
        throw failure(position, operation + " needs a number, not " + Values.typeName(value) + " "
                + Values.quote(value));
    }

    /** A condition: true/false, and null counts as false. */
    boolean truth(Object value, String operation, int position) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw failure(position, operation + " needs a condition (true/false), not " + Values.typeName(value) + " "
                + Values.quote(value) + "; compare it, e.g. x > 0 or x = 'yes'");
    }

    /** A date, or text that is an ISO date ({@code 2024-03-01}). */
    LocalDate date(Object value, String operation, int position) {
        if (value instanceof LocalDate date) {
            return date;
        }
        if (value instanceof String text) {
            try {
                return LocalDate.parse(text.strip());
            } catch (DateTimeParseException e) {
                throw failure(position, Values.quote(value) + " is not a date (yyyy-MM-dd), so " + operation
                        + " cannot compare it with a date; read it with parse_date(x, 'dd.MM.yyyy')");
            }
        }
        throw failure(position, operation + " cannot compare " + Values.typeName(value) + " "
                + Values.quote(value) + " with a date");
    }

    /** Text for a function's argument: numbers and dates are written as text, null stays null. */
    String text(Object value) {
        return Values.text(value);
    }

    /** Refuses text beyond {@link Expression#MAX_STRING} characters, so no expression can build unbounded text. */
    String bounded(String text, String function, int position) {
        if (text != null && text.length() > Expression.MAX_STRING) {
            throw failure(position, function + " would make text of " + text.length() + " characters; the most is "
                    + Expression.MAX_STRING);
        }
        return text;
    }
}
