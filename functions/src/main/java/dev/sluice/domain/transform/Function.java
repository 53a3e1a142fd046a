package dev.sluice.domain.transform;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormatSymbols;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The functions of the language. Names are matched in any letter case. */
enum Function {
    CONCAT(1, 50, false),
    IF(3, 3, false),
    COALESCE(1, 50, false),
    TRIM(1, 1, true),
    UPPER(1, 1, true),
    LOWER(1, 1, true),
    REPLACE(3, 3, true),
    DEFAULT(2, 2, true),
    ROUND(2, 2, false),
    ABS(1, 1, false),
    PARSE_DATE(2, 2, true),
    PARSE_NUMBER(2, 2, true);

    /** Largest {@code n} of round(x, n). */
    static final int MAX_ROUND_SCALE = 20;

    private static final Set<Locale> NUMBER_LOCALES = Set.of(DecimalFormatSymbols.getAvailableLocales());

    private final int minArguments;
    private final int maxArguments;
    private final boolean step;

    Function(int minArguments, int maxArguments, boolean step) {
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
        this.step = step;
    }

    String functionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    int minArguments() {
        return minArguments;
    }

    int maxArguments() {
        return maxArguments;
    }

    /** Whether a mapping's {@code transform} list may name it (the column's value is its first argument). */
    boolean isStep() {
        return step;
    }

    static Optional<Function> byName(String name) {
        for (Function function : values()) {
            if (function.functionName().equalsIgnoreCase(name)) {
                return Optional.of(function);
            }
        }
        return Optional.empty();
    }

    static String names(boolean stepsOnly) {
        return Arrays.stream(values()).filter(f -> !stepsOnly || f.step).map(Function::functionName)
                .collect(Collectors.joining(", "));
    }

    /**
     * What can be decided before any value is read, from literal arguments: the date formatter of parse_date, the
     * number symbols of parse_number, the places of round. A bad literal is a static error here, so it is refused
     * at upload rather than on every record. Null when nothing is prepared.
     */
    Object prepare(List<Node> arguments, String source) {
        return switch (this) {
            case PARSE_DATE -> arguments.get(1) instanceof Node.Literal literal
                    ? dateFormat(literal.value(), literal.position(), source, null) : null;
            case PARSE_NUMBER -> arguments.get(1) instanceof Node.Literal literal
                    ? numberSymbols(literal.value(), literal.position(), source, null) : null;
            case ROUND -> {
                if (arguments.get(1) instanceof Node.Literal literal) {
                    roundScale(literal.value(), literal.position(), source, null);
                }
                yield null;
            }
            default -> null;
        };
    }

    Object call(Evaluation at, Node.Call call) {
        List<Node> args = call.arguments();
        int position = call.position();
        switch (this) {
            case IF:
                return at.truth(args.get(0).evaluate(at), "if", args.get(0).position())
                        ? args.get(1).evaluate(at) : args.get(2).evaluate(at);
            case COALESCE:
                for (Node arg : args) {
                    Object value = arg.evaluate(at);
                    if (value != null) {
                        return value;
                    }
                }
                return null;
            case CONCAT: {
                StringBuilder out = new StringBuilder();
                for (Node arg : args) {
                    String text = at.text(arg.evaluate(at));
                    if (text != null) {
                        out.append(text);
                        if (out.length() > Expression.MAX_STRING) {
                            throw at.failure(position, "concat would make text of more than " + Expression.MAX_STRING
                                    + " characters");
                        }
                    }
                }
                return out.toString();
            }
            default:
                break;
        }
        Object first = args.get(0).evaluate(at);
        switch (this) {
            case DEFAULT: {
                boolean empty = first == null || first instanceof String text && text.isBlank();
                return empty ? args.get(1).evaluate(at) : first;
            }
            case ABS: {
                BigDecimal number = at.number(first, "abs", position);
                return number == null ? null : number.abs();
            }
            case ROUND: {
                BigDecimal number = at.number(first, "round", position);
                int scale = roundScale(args.get(1).evaluate(at), args.get(1).position(), at.source(), at);
                return number == null ? null : number.setScale(scale, RoundingMode.HALF_UP);
            }
            default:
                break;
        }
        String text = at.text(first);
        if (text == null) {
            return null;
        }
        return switch (this) {
            case TRIM -> text.strip();
            case UPPER -> text.toUpperCase(Locale.ROOT);
            case LOWER -> text.toLowerCase(Locale.ROOT);
            case REPLACE -> {
                String find = at.text(args.get(1).evaluate(at));
                String with = at.text(args.get(2).evaluate(at));
                if (find == null || find.isEmpty()) {
                    throw at.failure(position, "replace needs text to find; it was " + Values.quote(find));
                }
                yield at.bounded(text.replace(find, with == null ? "" : with), "replace", position);
            }
            case PARSE_DATE -> parseDate(at, call, text);
            case PARSE_NUMBER -> parseNumber(at, call, text);
            default -> throw new IllegalStateException("function " + this);
        };
    }

    private static LocalDate parseDate(Evaluation at, Node.Call call, String text) {
        DateTimeFormatter format = call.prepared() instanceof DateTimeFormatter prepared ? prepared
                : dateFormat(call.arguments().get(1).evaluate(at), call.arguments().get(1).position(), at.source(),
                        at);
        if (text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip(), format);
        } catch (DateTimeParseException e) {
            throw at.failure(call.position(), Values.quote(text) + " is not a date in the pattern '"
                    + patternOf(call, at) + "'");
        }
    }

    private static String patternOf(Node.Call call, Evaluation at) {
        return call.arguments().get(1) instanceof Node.Literal literal ? Values.text(literal.value())
                : Values.text(call.arguments().get(1).evaluate(at));
    }

    /**
     * Strict: {@code 2024-02-30} is no date. Year letters {@code y} are read as the proleptic year {@code u} so
     * that a strict resolver needs no era.
     */
    private static DateTimeFormatter dateFormat(Object pattern, int position, String source, Evaluation at) {
        String text = Values.text(pattern);
        String problem = null;
        if (text == null || text.isBlank()) {
            problem = "parse_date needs a pattern such as 'dd.MM.yyyy', not " + Values.quote(pattern);
        } else {
            try {
                return DateTimeFormatter.ofPattern(yearsAsProleptic(text), Locale.ENGLISH)
                        .withResolverStyle(ResolverStyle.STRICT);
            } catch (IllegalArgumentException e) {
                problem = "'" + text + "' is not a date pattern (letters: yyyy year, MM month, MMM Jan, dd day; "
                        + "text in single quotes)";
            }
        }
        throw at == null ? new ExpressionException(ExpressionException.Problem.SYNTAX, source, position, problem)
                : at.failure(position, problem);
    }

    private static String yearsAsProleptic(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length());
        boolean quoted = false;
        for (char c : pattern.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            out.append(!quoted && c == 'y' ? 'u' : c);
        }
        return out.toString();
    }

    private static BigDecimal parseNumber(Evaluation at, Node.Call call, String text) {
        DecimalFormatSymbols symbols = call.prepared() instanceof DecimalFormatSymbols prepared ? prepared
                : numberSymbols(call.arguments().get(1).evaluate(at), call.arguments().get(1).position(),
                        at.source(), at);
        if (text.isBlank()) {
            return null;
        }
        char grouping = symbols.getGroupingSeparator();
        char decimal = symbols.getDecimalSeparator();
        StringBuilder plain = new StringBuilder(text.length());
        String stripped = text.strip();
        for (int i = 0; i < stripped.length(); i++) {
            char c = stripped.charAt(i);
            if (c == grouping || Character.isSpaceChar(c) || grouping == '\u2019' && c == '\'') {
                continue; // 1.234,56 / 1 234,56 / 1'234.56: grouping is only for the eye
            }
            if (c == decimal) {
                plain.append('.');
            } else if (c == symbols.getMinusSign() || c == '\u2212') {
                plain.append('-');
            } else {
                plain.append(c);
            }
        }
        BigDecimal number = Values.plainNumber(plain.toString());
        if (number == null) {
            throw at.failure(call.position(), Values.quote(text) + " is not a number written for "
                    + symbols.getLocale().toLanguageTag() + " (decimal separator '" + decimal + "', grouping '"
                    + grouping + "')");
        }
        return number;
    }

    private static DecimalFormatSymbols numberSymbols(Object tag, int position, String source, Evaluation at) {
        String text = Values.text(tag);
        Locale locale = text == null ? null : Locale.forLanguageTag(text.strip());
        if (locale != null && !locale.getLanguage().isEmpty() && NUMBER_LOCALES.contains(locale)) {
            return DecimalFormatSymbols.getInstance(locale);
        }
        String problem = "parse_number needs a locale such as 'de-DE', 'en-US' or 'fr-FR', not "
                + Values.quote(tag);
        throw at == null ? new ExpressionException(ExpressionException.Problem.SYNTAX, source, position, problem)
                : at.failure(position, problem);
    }

    private static int roundScale(Object places, int position, String source, Evaluation at) {
        if (places instanceof BigDecimal number) {
            try {
                int scale = number.intValueExact();
                if (scale >= 0 && scale <= MAX_ROUND_SCALE) {
                    return scale;
                }
            } catch (ArithmeticException notWhole) {
                // reported below
            }
        }
        String problem = "round(x, n) needs n, the decimal places, as a whole number from 0 to " + MAX_ROUND_SCALE
                + ", not " + Values.quote(places);
        throw at == null ? new ExpressionException(ExpressionException.Problem.SYNTAX, source, position, problem)
                : at.failure(position, problem);
    }
}
