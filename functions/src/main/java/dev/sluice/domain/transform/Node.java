package dev.sluice.domain.transform;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/** The syntax tree of an expression; each node evaluates itself. */
sealed interface Node {
    /** Division keeps this many decimal places (rounded half-even), then drops trailing zeros. */
    int DIVISION_SCALE = 10;
    /** Most significant digits a number may have; beyond it a result is an error rather than a slow number. */
    int MAX_DIGITS = 1000;

    Object evaluate(Evaluation at);

    /** 1-based character where the node starts in its expression. */
    int position();

    record Literal(Object value, int position) implements Node {
        @Override
        public Object evaluate(Evaluation at) {
            return value;
        }
    }

    /** A column by name; an empty or blank cell is null. */
    record Column(String name, int position) implements Node {
        @Override
        public Object evaluate(Evaluation at) {
            Object value = at.scope().column(name);
            return value instanceof String text && text.isBlank() ? null : value;
        }
    }

    /** The value a pipeline step transforms (the column's value, or the previous step's result). */
    record Input(int position) implements Node {
        @Override
        public Object evaluate(Evaluation at) {
            return at.scope().input();
        }
    }

    record Negate(Node operand, int position) implements Node {
        @Override
        public Object evaluate(Evaluation at) {
            BigDecimal value = at.number(operand.evaluate(at), "-", position);
            return value == null ? null : value.negate();
        }
    }

    record Not(Node operand, int position) implements Node {
        @Override
        public Object evaluate(Evaluation at) {
            Object value = operand.evaluate(at);
            return value == null ? null : !at.truth(value, "not", position);
        }
    }

    /** {@code and} / {@code or}: the right side is evaluated only when it decides; null counts as false. */
    record Logical(boolean and, Node left, Node right, int position) implements Node {
        @Override
        public Object evaluate(Evaluation at) {
            String name = and ? "and" : "or";
            boolean l = at.truth(left.evaluate(at), name, position);
            if (and != l) {
                return l;
            }
            return at.truth(right.evaluate(at), name, position);
        }
    }

    record Arithmetic(char operator, Node left, Node right, int position) implements Node {
        @Override
        public Object evaluate(Evaluation at) {
            String name = String.valueOf(operator);
            BigDecimal l = at.number(left.evaluate(at), name, position);
            BigDecimal r = at.number(right.evaluate(at), name, position);
            if (l == null || r == null) {
                return null;
            }
            BigDecimal result = switch (operator) {
                case '+' -> l.add(r);
                case '-' -> l.subtract(r);
                case '*' -> l.multiply(r);
                case '/' -> {
                    if (r.signum() == 0) {
                        throw at.failure(position, "division by zero (" + Values.quote(l) + " / 0); guard it with "
                                + "if(x != 0, y / x, null)");
                    }
                    yield strip(l.divide(r, DIVISION_SCALE, RoundingMode.HALF_EVEN));
                }
                case '%' -> {
                    if (r.signum() == 0) {
                        throw at.failure(position, "remainder of a division by zero (" + Values.quote(l) + " % 0)");
                    }
                    yield l.remainder(r, MathContext.UNLIMITED);
                }
                default -> throw new IllegalStateException("operator " + operator);
            };
            if (result.precision() > MAX_DIGITS) {
                throw at.failure(position, "the result has more than " + MAX_DIGITS + " digits");
            }
            return result;
        }

        private static BigDecimal strip(BigDecimal value) {
            BigDecimal stripped = value.stripTrailingZeros();
            return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
        }
    }

    /**
     * {@code = != < <= > >=}. A number against text reads the text as a number; text against text compares the
     * text; a date against text reads the text as an ISO date. {@code =} and {@code !=} treat null as a value (null
     * = null is true); an ordering with null is null.
     */
    record Comparison(String operator, Node left, Node right, int position) implements Node {
        @Override
        public Object evaluate(Evaluation at) {
            Object l = left.evaluate(at);
            Object r = right.evaluate(at);
            boolean equality = operator.equals("=") || operator.equals("!=");
            if (l == null || r == null) {
                if (!equality) {
                    return null;
                }
                return (l == r) == operator.equals("=");
            }
            int order = compare(at, l, r, equality);
            return switch (operator) {
                case "=" -> order == 0;
                case "!=" -> order != 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                default -> throw new IllegalStateException("operator " + operator);
            };
        }

        private int compare(Evaluation at, Object l, Object r, boolean equality) {
            if (l instanceof BigDecimal || r instanceof BigDecimal) {
                return at.number(l, operator, position).compareTo(at.number(r, operator, position));
            }
            if (l instanceof LocalDate || r instanceof LocalDate) {
                return at.date(l, operator, position).compareTo(at.date(r, operator, position));
            }
            if (l instanceof Boolean lb && r instanceof Boolean rb) {
                if (!equality) {
                    throw at.failure(position, "true/false cannot be ordered with " + operator);
                }
                return lb.equals(rb) ? 0 : 1;
            }
            if (l instanceof String ls && r instanceof String rs) {
                return ls.compareTo(rs);
            }
            throw at.failure(position, "cannot compare " + Values.typeName(l) + " " + Values.quote(l) + " with "
                    + Values.typeName(r) + " " + Values.quote(r));
        }
    }

    /** A function call; the function decides which arguments it evaluates (if and coalesce are lazy). */
    record Call(Function function, List<Node> arguments, Object prepared, int position) implements Node {
        public Call {
            Objects.requireNonNull(function, "function");
            arguments = List.copyOf(arguments);
        }

        @Override
        public Object evaluate(Evaluation at) {
            return function.call(at, this);
        }
    }
}
