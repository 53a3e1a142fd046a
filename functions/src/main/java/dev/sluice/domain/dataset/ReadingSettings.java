package dev.sluice.domain.dataset;

import java.util.Objects;

/**
 * How files of a dataset are read. Each setting is {@code auto} (Sluice decides from the file and the run says what it
 * decided) or pinned by the user.
 *
 * @param encoding     {@code auto} or a charset name ({@code UTF-8}, {@code UTF-16LE}, {@code windows-1252}, ...)
 * @param delimiter    {@code auto} or the one delimiter character ({@code ","}, {@code ";"}, {@code "\t"}, ...)
 * @param headerRow    0 for auto (found by its shape), else the 1-based physical line of the header
 * @param dateOrder    the order of day, month and year in dates such as {@code 03/04/2024}; with {@code AUTO} the
 *                     values of the column decide, and a column no value disambiguates is read as month-day-year
 * @param decimalStyle the decimal mark of numbers; with {@code AUTO} each column's values decide
 */
public record ReadingSettings(String encoding, String delimiter, int headerRow, DateOrder dateOrder,
        DecimalStyle decimalStyle) {
    public static final String AUTO_TEXT = "auto";
    public static final ReadingSettings AUTO = new ReadingSettings(AUTO_TEXT, AUTO_TEXT, 0, DateOrder.AUTO,
            DecimalStyle.AUTO);

    public ReadingSettings {
        encoding = encoding == null || encoding.isBlank() ? AUTO_TEXT : encoding;
        delimiter = delimiter == null || delimiter.isEmpty() ? AUTO_TEXT : delimiter;
        Objects.requireNonNull(dateOrder, "dateOrder");
        Objects.requireNonNull(decimalStyle, "decimalStyle");
        if (headerRow < 0) {
            throw new IllegalArgumentException("headerRow must be 0 (auto) or a line number, was " + headerRow);
        }
    }

    public boolean autoEncoding() {
        return AUTO_TEXT.equals(encoding);
    }

    public boolean autoDelimiter() {
        return AUTO_TEXT.equals(delimiter);
    }

    /** The order of day, month and year in numeric dates. */
    public enum DateOrder { AUTO, DMY, MDY, YMD }

    /** The decimal mark: {@code POINT} reads {@code 1,234.56}, {@code COMMA} reads {@code 1.234,56}. */
    public enum DecimalStyle { AUTO, POINT, COMMA }
}
