package dev.sluice.domain.validation;

import dev.sluice.domain.csv.Spaces;
import java.util.Locale;
import java.util.Set;

/**
 * The labels spreadsheets and ad platforms put in the first cell of a totals row: {@code Total}, {@code Totals},
 * {@code Grand total}, {@code Subtotal} and their German, French, Spanish, Italian, Dutch and Portuguese words, any
 * letter case, alone or followed by {@code :}, {@code -} or {@code (} and more text ({@code Total: Account},
 * {@code Gesamt (alle Kampagnen)}). A label followed by a plain word ({@code Total Sale}) is a name, not a label.
 */
final class SummaryLabels {
    private static final Set<String> LABELS = Set.of("total", "totals", "grand total", "grand totals", "subtotal",
            "sub-total", "sub total", "overall total", "sum", "gesamt", "gesamtsumme", "summe", "insgesamt",
            "total général", "total general", "totale", "totale generale", "totaal", "totalen", "suma", "somme",
            "totais", "total geral");
    private static final int LONGEST_LABEL = 16;

    private SummaryLabels() {
    }

    static boolean isSummary(String cell) {
        String value = Spaces.trim(cell);
        if (value.isEmpty() || "tgsTGS".indexOf(value.charAt(0)) < 0) {
            return false; // every label starts with one of these: most values are ruled out without a copy
        }
        int end = value.length();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ':' || c == '(' || c == '-' && i > 0 && value.charAt(i - 1) == ' ' || c == '\u2013') {
                end = i;
                break;
            }
        }
        String label = Spaces.trim(value.substring(0, end));
        return label.length() <= LONGEST_LABEL && LABELS.contains(label.toLowerCase(Locale.ROOT));
    }
}
