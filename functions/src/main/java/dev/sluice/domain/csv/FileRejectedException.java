package dev.sluice.domain.csv;

public class FileRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    public FileRejectedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
