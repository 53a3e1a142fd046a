package dev.sluice.domain.mapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the sample values of one column look like: dates, money, whole numbers, decimals, percentages or labels.
 * Only a shape that at least {@value #SHARE_PERCENT}% of the non-blank values share counts; a column of mixed or
 * blank values has no shape and says nothing.
 *
 * @param values        how many values were not blank
 * @param matching      how many of them have the shape
 * @param distinct      how many different values there were (letter case aside)
 * @param median        the median size of the numbers among them, 0 without numbers
 * @param platformNames how many name an ad platform or traffic source ({@code google}, {@code email}, ...)
 */
public record ColumnValues(Shape shape, int values, int matching, int distinct, double median,
        int platformNames) {
    static final int SHARE_PERCENT = 80;

    /** The shape most of a column's values have. */
    public enum Shape {
        /** {@code 2024-03-01}, {@code 01.03.2024}, {@code 3/1/2024}, {@code Jan 5, 2024}, {@code 5 mars 2024}. */
        DATE("dates"),
        /** Numbers with a currency sign or code, or with exactly two decimals. */
        MONEY("money amounts"),
        /** Whole numbers, with or without thousands separators. */
        INTEGER("whole numbers"),
        /** Other numbers. */
        DECIMAL("numbers"),
        /** Numbers with a percent sign: rates, which no field holds. */
        PERCENT("percentages"),
        /** Anything else that is not blank. */
        LABEL("labels"),
        /** No shape is shared by enough values, or there are no values. */
        UNKNOWN("mixed values");

        private final String words;

        Shape(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private static final String MONTHS = "(jan|feb|f[eé]v|mar|m[aä]r|apr|avr|abr|may|mai|mei|mag|mayo|maio|jun|jui"
            + "|giu|jul|lug|aug|ao[uû]|ago|sep|set|oct|okt|ott|out|nov|dec|d[eé]c|dez|dic)[a-zéûç]*\\.?";
    private static final Pattern DATE = Pattern.compile(String.join("|",
            "\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}([ t]\\d{1,2}:\\d{2}(:\\d{2})?([.,]\\d+)?z?)?",
            "\\d{1,2}[-/.]\\d{1,2}[-/.](\\d{4}|\\d{2})",
            MONTHS + " \\d{1,2},? \\d{4}",
            "\\d{1,2}\\.? (de )?" + MONTHS + " (de )?\\d{4}"));
    private static final Pattern NUMBER = Pattern.compile("[-+(]?\\d{1,3}([,. '\u00a0\u202f]\\d{3})*([.,]\\d+)?\\)?"
            + "|[-+(]?\\d+([.,]\\d+)?\\)?");
    private static final Pattern SIGNS = Pattern.compile("[-+()]");
    private static final Pattern SEPARATORS = Pattern.compile("[,. '\u00a0\u202f]");
    private static final Pattern NOT_DIGIT_OR_MARK = Pattern.compile("[^0-9.,]");
    private static final Pattern MARKS = Pattern.compile("[.,]");
    private static final Pattern TWO_DECIMALS = Pattern.compile(".*[.,]\\d{2}\\)?");
    private static final Pattern CURRENCY = Pattern.compile("^([A-Z]{3}|[$€£¥₹]|R\\$|US\\$)\\s*|\\s*([A-Z]{3}|[$€£¥₹]"
            + "|kr)$");
    /** Ad platforms and traffic sources, as they appear as values of a channel column. */
    private static final Set<String> PLATFORMS = Set.of("google", "google ads", "adwords", "facebook", "meta",
            "instagram", "messenger", "audience network", "bing", "microsoft", "microsoft ads", "linkedin", "tiktok",
            "twitter", "x", "pinterest", "snapchat", "youtube", "reddit", "amazon", "criteo", "taboola", "outbrain",
            "gdn", "dv360", "display", "search", "social", "paid social", "paid search", "email", "e-mail",
            "newsletter", "organic", "direct", "referral", "affiliate", "affiliates", "cpc", "sem", "seo", "video",
            "shopping", "programmatic", "native", "(direct)", "(none)", "google / cpc", "facebook / cpc");

    /** Looks at up to the given values (blank ones are skipped). */
    public static ColumnValues of(List<String> values) {
        int count = 0;
        int dates = 0;
        int money = 0;
        int integers = 0;
        int numbers = 0;
        int percents = 0;
        int platforms = 0;
        Set<String> distinct = new HashSet<>();
        List<Double> magnitudes = new ArrayList<>();
        for (String raw : values) {
            String value = raw == null ? "" : raw.strip();
            if (value.isEmpty()) {
                continue;
            }
            count++;
            String lower = value.toLowerCase(Locale.ROOT);
            distinct.add(lower);
            if (PLATFORMS.contains(lower)) {
                platforms++;
            }
            if (DATE.matcher(lower).matches()) {
                dates++;
                continue;
            }
            boolean percent = value.endsWith("%");
            String bare = percent ? value.substring(0, value.length() - 1).strip() : value;
            String withoutCurrency = CURRENCY.matcher(bare).replaceAll("");
            boolean currency = !withoutCurrency.equals(bare);
            if (!NUMBER.matcher(withoutCurrency).matches()) {
                continue;
            }
            numbers++;
            magnitudes.add(magnitude(withoutCurrency));
            if (percent) {
                percents++;
            } else if (currency || TWO_DECIMALS.matcher(withoutCurrency).matches()) {
                money++;
            } else if (isWhole(withoutCurrency)) {
                integers++;
            }
        }
        Shape shape = Shape.UNKNOWN;
        int matching = 0;
        if (count > 0) {
            if (share(dates, count)) {
                shape = Shape.DATE;
                matching = dates;
            } else if (share(percents, count)) {
                shape = Shape.PERCENT;
                matching = percents;
            } else if (share(integers, count)) {
                shape = Shape.INTEGER;
                matching = integers;
            } else if (share(money, count) || share(money + integers, count) && money * 2 >= count) {
                shape = Shape.MONEY;
                matching = money + integers;
            } else if (share(numbers, count)) {
                shape = Shape.DECIMAL;
                matching = numbers;
            } else if (share(count - numbers - dates, count)) {
                shape = Shape.LABEL;
                matching = count - numbers - dates;
            }
        }
        magnitudes.sort(null);
        double median = magnitudes.isEmpty() ? 0 : magnitudes.get(magnitudes.size() / 2);
        return new ColumnValues(shape, count, matching, distinct.size(), median, platforms);
    }

    private static boolean share(int part, int count) {
        return part * 100 >= count * SHARE_PERCENT;
    }

    /** Whole when no separator is followed by other than exactly three digits (a thousands group). */
    private static boolean isWhole(String number) {
        String digits = SIGNS.matcher(number).replaceAll("");
        String[] groups = SEPARATORS.split(digits, -1);
        for (int i = 1; i < groups.length; i++) {
            if (groups[i].length() != 3) {
                return false;
            }
        }
        return true;
    }

    /** Roughly how large the number is; its separators may be either style, which matters little for sorting. */
    private static double magnitude(String number) {
        String digits = NOT_DIGIT_OR_MARK.matcher(number).replaceAll("");
        int lastSeparator = Math.max(digits.lastIndexOf('.'), digits.lastIndexOf(','));
        String whole = lastSeparator >= 0 && digits.length() - lastSeparator - 1 != 3
                ? digits.substring(0, lastSeparator) : digits;
        String plain = MARKS.matcher(whole).replaceAll("");
        return plain.isEmpty() ? 0 : Double.parseDouble(plain.length() > 15 ? plain.substring(0, 15) : plain);
    }

    /** Whether most values name ad platforms or traffic sources ({@code google}, {@code facebook}, ...). */
    public boolean namesPlatforms() {
        return values > 0 && platformNames * 2 >= values;
    }

    /** Whether the column says anything about its field. */
    public boolean known() {
        return shape != Shape.UNKNOWN;
    }
}
