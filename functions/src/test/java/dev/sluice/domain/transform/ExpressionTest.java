package dev.sluice.domain.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.transform.ExpressionException.Problem;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpressionTest {
    private final Map<String, String> row = new HashMap<>(Map.of("spend", "12.50", "clicks", "5", "campaign",
            " Spring ", "channel", "search", "Cost EUR", "1.234,5", "zero", "0", "empty", "", "day", "03.02.2024"));

    private Object eval(String source) {
        Expression expression = Expression.parse(source);
        return expression.evaluate(name -> {
            if (!row.containsKey(name)) {
                throw new AssertionError("unbound column " + name);
            }
            return row.get(name);
        });
    }

    private ExpressionException failure(String source) {
        return assertThrows(ExpressionException.class, () -> eval(source));
    }

    @Test
    void arithmeticIsDecimalAndReadsColumnsAsNumbers() {
        assertEquals(new BigDecimal("15.000"), eval("spend * 1.2"));
        assertEquals(new BigDecimal("2.5"), eval("spend / clicks"));
        assertEquals(new BigDecimal("0.3333333333"), eval("1 / 3"), "division keeps 10 places, half-even");
        assertEquals(new BigDecimal("0.6666666667"), eval("2 / 3"));
        assertEquals(new BigDecimal("4"), eval("8 / 2"), "trailing zeros are dropped");
        assertEquals(new BigDecimal("7"), eval("1 + 2 * 3"), "* binds tighter than +");
        assertEquals(new BigDecimal("9"), eval("(1 + 2) * 3"));
        assertEquals(new BigDecimal("-7.50"), eval("-spend + 5"));
        assertEquals(new BigDecimal("1"), eval("7 % 3"));
        assertEquals(new BigDecimal("0.3"), eval("0.1 + 0.2"), "exact, not binary floating point");
    }

    @Test
    void nullAndBlankCellsPropagate() {
        assertNull(eval("empty * 2"), "a blank cell is null, and arithmetic with null is null");
        assertNull(eval("null + 1"));
        assertEquals("fallback", eval("coalesce(empty, 'fallback')"));
        assertEquals("x", eval("default(empty, 'x')"));
        assertEquals(Boolean.TRUE, eval("empty = null"));
        assertNull(eval("empty > 1"), "an ordering with null is null");
        assertEquals("no", eval("if(empty > 1, 'yes', 'no')"), "null counts as false");
    }

    @Test
    void comparisonsAndLogic() {
        assertEquals(Boolean.TRUE, eval("clicks > 0"), "text against a number is read as a number");
        assertEquals(Boolean.FALSE, eval("clicks >= 10"));
        assertEquals(Boolean.TRUE, eval("channel = 'search' and not (clicks < 1)"));
        assertEquals(Boolean.TRUE, eval("channel == 'x' or channel <> 'social'"));
        assertEquals(Boolean.TRUE, eval("parse_date('2024-03-01', 'yyyy-MM-dd') < '2024-03-02'"));
        assertEquals(new BigDecimal("2.5"), eval("if(clicks > 0, spend / clicks, null)"));
        assertNull(eval("if(zero > 0, spend / zero, null)"), "if evaluates only the branch it takes");
        assertEquals(Boolean.FALSE, eval("zero > 0 and spend / zero > 1"), "and stops at the first false");
    }

    @Test
    void textFunctions() {
        assertEquals("Spring-search", eval("concat(trim(campaign), '-', channel)"));
        assertEquals("SPRING", eval("upper(trim(campaign))"));
        assertEquals("spring", eval("lower(trim(campaign))"));
        assertEquals("1234,5", eval("replace([Cost EUR], '.', '')"));
        assertEquals("it's", eval("'it''s'"));
        assertEquals("12.5012.50", eval("concat(spend, spend)"));
        assertEquals("a", eval("concat('a', null)"), "concat skips nulls");
    }

    @Test
    void numbersAndDates() {
        assertEquals(new BigDecimal("1234.5"), eval("parse_number([Cost EUR], 'de-DE')"));
        assertEquals(new BigDecimal("1234.5"), eval("parse_number('1,234.5', 'en-US')"));
        assertEquals(new BigDecimal("1234.5"), eval("parse_number('1 234,5', 'fr-FR')"));
        assertEquals(new BigDecimal("-3"), eval("parse_number('-3', 'de-DE')"));
        assertEquals(new BigDecimal("2.67"), eval("round(8 / 3, 2)"));
        assertEquals(new BigDecimal("3"), eval("round(2.5, 0)"), "round is half-up");
        assertEquals(new BigDecimal("4.5"), eval("abs(-4.5)"));
        assertEquals(LocalDate.of(2024, 2, 3), eval("parse_date(day, 'dd.MM.yyyy')"));
        assertEquals(LocalDate.of(2024, 3, 1), eval("parse_date('Mar 1, 2024', 'MMM d, yyyy')"));
    }

    @Test
    void valueProblemsAreEvaluationErrorsNamingTheExpression() {
        ExpressionException zero = failure("spend / zero");
        assertEquals(Problem.EVALUATION, zero.problem());
        assertEquals("expression \"spend / zero\": division by zero (12.50 / 0); guard it with if(x != 0, y / x, "
                + "null) (at character 7)", zero.getMessage());
        assertTrue(failure("campaign * 2").getMessage().contains("' Spring ' is not a number, so * cannot use it"));
        assertTrue(failure("'a' + 'b'").getMessage().contains("to join text use concat(a, b)"));
        assertTrue(failure("parse_number('1.2.3,4x', 'de-DE')").getMessage()
                .contains("'1.2.3,4x' is not a number written for de-DE"));
        assertTrue(failure("parse_date('2024-02-30', 'yyyy-MM-dd')").getMessage()
                .contains("'2024-02-30' is not a date in the pattern 'yyyy-MM-dd'"), "strict: no such day");
        assertTrue(failure("if(clicks, 1, 2)").getMessage().contains("if needs a condition"));
        assertTrue(failure("replace(campaign, '', 'x')").getMessage().contains("replace needs text to find"));
        assertTrue(failure("parse_date('2024-02-03', 'yyyy-MM-dd') < 5").getMessage().contains("needs a number"));
    }

    @Test
    void syntaxErrorsHaveAPosition() {
        ExpressionException open = assertThrows(ExpressionException.class, () -> Expression.parse("spend * (1.2"));
        assertEquals(Problem.SYNTAX, open.problem());
        assertEquals(13, open.position());
        assertEquals("expression \"spend * (1.2\": expected ')' to close the '(' at character 9 but found the end "
                + "of the expression (at character 13)", open.getMessage());
        assertEquals(9, assertThrows(ExpressionException.class, () -> Expression.parse("spend  ** 2")).position(),
                "the second * is where a value was expected");
        assertEquals(1, assertThrows(ExpressionException.class, () -> Expression.parse("\"text\"")).position());
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.parse("'open")).getMessage()
                .contains("never closed"));
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.parse("Cost EUR")).getMessage()
                .contains("written in brackets: [Cost EUR]"));
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.parse("a < b < c")).getMessage()
                .contains("do not chain"));
        assertEquals(Problem.SYNTAX, assertThrows(ExpressionException.class, () -> Expression.parse(" ")).problem());
    }

    @Test
    void unknownFunctionsAndWrongArgumentsAreRefusedBeforeAnyValue() {
        ExpressionException unknown = assertThrows(ExpressionException.class, () -> Expression.parse("sum(spend)"));
        assertEquals(Problem.UNKNOWN_FUNCTION, unknown.problem());
        assertEquals(1, unknown.position());
        assertTrue(unknown.getMessage().contains("unknown function 'sum'; functions are concat, if, coalesce"));
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.parse("if(1, 2)")).getMessage()
                .contains("if takes 3 arguments but was given 2"));
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.parse("parse_date(x, 'qqqqqqq')"))
                .getMessage().contains("is not a date pattern"), "a literal pattern is checked when parsed");
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.parse("parse_number(x, 'xx-YY')"))
                .getMessage().contains("needs a locale such as 'de-DE'"));
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.parse("round(x, 1000000)"))
                .getMessage().contains("from 0 to 20"), "no unbounded scale");
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.parse("getClass()")).getMessage()
                .contains("unknown function 'getClass'"), "no reflection: names are columns or built-ins");
    }

    @Test
    void limitsAreRefusedWhenParsed() {
        String deep = "(".repeat(40) + "1" + ")".repeat(40);
        ExpressionException nested = assertThrows(ExpressionException.class, () -> Expression.parse(deep));
        assertEquals(Problem.LIMIT, nested.problem());
        assertTrue(nested.getMessage().contains("nested more than 32 levels"));
        assertEquals(Problem.LIMIT, assertThrows(ExpressionException.class,
                () -> Expression.parse("-".repeat(100) + "1")).problem(), "unary chains count as depth");
        assertEquals(Problem.LIMIT, assertThrows(ExpressionException.class,
                () -> Expression.parse("not ".repeat(100) + "true")).problem());
        assertEquals(Problem.LIMIT, assertThrows(ExpressionException.class,
                () -> Expression.parse("1" + "+1".repeat(150))).problem(), "more than 200 parts");
        ExpressionException longText = assertThrows(ExpressionException.class,
                () -> Expression.parse("'" + "x".repeat(1200) + "'"));
        assertEquals(Problem.LIMIT, longText.problem());
        assertTrue(longText.getMessage().contains("is 1202 characters long; the most is 1000"));
        assertEquals(Problem.SYNTAX, assertThrows(ExpressionException.class, () -> Expression.parse("'a\0b'"))
                .problem(), "no NUL can reach stored text");
        String nearLimit = "(".repeat(31) + "1" + ")".repeat(31);
        assertEquals(BigDecimal.ONE, eval(nearLimit), "31 levels are fine");
    }

    @Test
    void hugeStringsAndNumbersAreBoundedWhenEvaluated() {
        row.put("big", "x".repeat(6000));
        ExpressionException concat = failure("concat(big, big)");
        assertEquals(Problem.EVALUATION, concat.problem());
        assertTrue(concat.getMessage().contains("more than 10000 characters"));
        row.put("wide", "x".repeat(100));
        assertTrue(failure("replace(wide, 'x', '" + "y".repeat(200) + "')").getMessage()
                .contains("replace would make text of 20000 characters"));
        row.put("digits", "9".repeat(100));
        String power = "digits" + " * digits".repeat(10);
        assertTrue(failure(power).getMessage().contains("more than 1000 digits"));
        row.put("longNumber", "1".repeat(101));
        assertTrue(failure("longNumber + 1").getMessage().contains("is not a number"), "no slow parse");
    }

    @Test
    void columnsAreNamedByIdentifierOrBrackets() {
        Expression expression = Expression.parse("concat(campaign, [Cost EUR], [and], [a]]b])");
        assertEquals(Set.of("campaign", "Cost EUR", "and", "a]b"), expression.columns());
        assertEquals("'and' is an operator here; a column with that name is written [and] (at character 8)",
                assertThrows(ExpressionException.class, () -> Expression.parse("concat(and)")).detail()
                        + " (at character " + 8 + ")");
    }

    @Test
    void stepsTakeTheValueAsTheirFirstArgument() {
        Expression step = Expression.step("replace(',', '.')");
        assertEquals("1.5", step.evaluate(new Expression.Scope() {
            @Override
            public Object column(String name) {
                throw new AssertionError(name);
            }

            @Override
            public Object input() {
                return "1,5";
            }
        }));
        assertEquals(Problem.UNKNOWN_FUNCTION, assertThrows(ExpressionException.class,
                () -> Expression.step("round(2)")).problem(), "round is a function, not a transform");
        assertTrue(assertThrows(ExpressionException.class, () -> Expression.step("replace(',')")).getMessage()
                .contains("replace takes 2 arguments but was given 1"));
        assertEquals(Problem.SYNTAX, assertThrows(ExpressionException.class, () -> Expression.step("trim x"))
                .problem());
    }
}
