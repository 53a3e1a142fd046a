package dev.sluice.domain.csv;

/**
 * The evidence one value gives about a column's {@link NumberStyle}: {@code 1,234.56} or {@code 12.5} can only be
 * US, {@code 1.234,56} or {@code 0,75} only European, {@code 1,234} and {@code 1.234} either. {@link ColumnInference}
 * counts it per column.
 */
final class NumberStyleDetector {
    private NumberStyleDetector() {
    }

    /** +1 if the value can only be US style, -1 if only European, 0 if it could be either or is no number. */
    static int styleEvidence(String value) {
        int lastPoint = -1;
        int lastComma = -1;
        int points = 0;
        int commas = 0;
        int digits = 0;
        StringBuilder kept = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                kept.append(c);
            } else if (c == '.') {
                points++;
                lastPoint = kept.length();
                kept.append(c);
            } else if (c == ',') {
                commas++;
                lastComma = kept.length();
                kept.append(c);
            }
        }
        if (digits == 0 || (points == 0 && commas == 0)) {
            return 0;
        }
        if (points > 0 && commas > 0) {
            return lastPoint > lastComma ? 1 : -1;
        }
        boolean point = points > 0;
        if ((point ? points : commas) > 1) {
            return point ? -1 : 1; // a repeated separator can only group thousands
        }
        int at = point ? lastPoint : lastComma;
        int after = kept.length() - at - 1;
        int before = at;
        boolean cannotGroup = after != 3 || before == 0 || before > 3 || kept.charAt(0) == '0';
        if (!cannotGroup) {
            return 0;
        }
        return point ? 1 : -1;
    }
}
