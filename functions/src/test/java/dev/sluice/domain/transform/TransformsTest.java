package dev.sluice.domain.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformsTest {
    private static final Transforms SAMPLE = new Transforms(new LinkedHashMap<>(Map.of(
            "spend", FieldTransform.pipeline("Kosten", List.of("trim", "replace(',', '.')")),
            "conversions", FieldTransform.calculated("if(clicks > 0, spend / clicks, null)"))),
            Map.of("label:1", "concat(a, '3:x')"));

    @Test
    void encodeAndDecodeRoundTripWhateverTheTextHolds() {
        assertEquals(SAMPLE, Transforms.decode(SAMPLE.encode()));
        Transforms odd = new Transforms(Map.of("a:b", FieldTransform.pipeline("12:x", List.of("default('')"))),
                Map.of("", "'\n;:'"));
        assertEquals(odd, Transforms.decode(odd.encode()));
        assertEquals(Transforms.NONE, Transforms.decode(""));
        assertThrows(IllegalArgumentException.class, () -> Transforms.decode("5:field3:ab"));
        assertThrows(IllegalArgumentException.class, () -> Transforms.decode("x"));
    }

    @Test
    void checkedParsesEverythingAndBoundsTheSize() {
        assertEquals(SAMPLE, SAMPLE.checked());
        ExpressionException broken = assertThrows(ExpressionException.class, () -> new Transforms(Map.of("spend",
                FieldTransform.pipeline("Cost", List.of("trim", "parse_number('de-DE'"))), Map.of()).checked());
        assertEquals("parse_number('de-DE'", broken.expression(), "the failing step is named");
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 101; i++) {
            many.put("c" + i, "1");
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Transforms(Map.of(), many).checked())
                .getMessage().contains("the most is 100"));
        Map<String, String> large = new LinkedHashMap<>();
        for (int i = 0; i < 25; i++) {
            large.put("c" + i, "'" + "x".repeat(900) + "'");
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Transforms(Map.of(), large).checked())
                .getMessage().contains("characters of expressions; the most is 20000"));
    }

    @Test
    void boundRulesReadColumnsByHeaderThenByFieldAndFailOnEveryRecordWhenBroken() {
        List<String> header = List.of("Kosten", "Clicks");
        BoundTransforms bound = BoundTransforms.bind(new Transforms(new LinkedHashMap<>(Map.of(
                "spend", FieldTransform.pipeline("kosten", List.of("replace(',', '.')")),
                "conversions", FieldTransform.calculated("spend / clicks"),
                "impressions", FieldTransform.calculated("nowhere * 2"))), Map.of()), header,
                Map.of("spend", "Kosten"));
        List<String> values = List.of("7,5", "3");
        BoundTransforms.Cells cells = i -> i < values.size() ? values.get(i) : "";
        assertEquals("7.5", bound.field("spend").apply(cells));
        assertEquals("Kosten", bound.field("SPEND").sourceColumn(), "header names match in any case");
        ExpressionException perRecord = assertThrows(ExpressionException.class,
                () -> bound.field("conversions").apply(cells), "spend is the raw '7,5' of the mapped column");
        assertTrue(perRecord.getMessage().contains("'7,5' is not a number"));
        ExpressionException unknown = bound.field("impressions").broken();
        assertEquals(ExpressionException.Problem.UNKNOWN_COLUMN, unknown.problem());
        assertTrue(unknown.getMessage().contains("the file has no column \"nowhere\"; its columns are \"Kosten\", "
                + "\"Clicks\""));
        assertThrows(ExpressionException.class, () -> bound.field("impressions").apply(cells));
        assertNull(bound.field("date"));
        assertEquals(new BigDecimal("2.5"), BoundTransforms.bind(new Transforms(Map.of(), Map.of("x",
                "parse_number(Kosten, 'de-DE') / Clicks")), header, Map.of()).calculated().get(0).apply(cells));
    }
}
