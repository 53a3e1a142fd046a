package dev.sluice.domain.validation;

public record RowError(long recordNo, long lineNo, String column, String code, String message, String rawExcerpt) {
}
