package dev.sluice.domain.csv;

import java.io.Reader;

/** A reader that hands out at most {@code step} chars per call, so records and terminators straddle refills. */
final class Trickle extends Reader {
    private final String text;
    private final int step;
    private int at;

    Trickle(String text, int step) {
        this.text = text;
        this.step = step;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
        if (at == text.length()) {
            return -1;
        }
        int n = Math.min(Math.min(length, step), text.length() - at);
        text.getChars(at, at + n, buffer, offset);
        at += n;
        return n;
    }

    @Override
    public void close() {
    }
}
