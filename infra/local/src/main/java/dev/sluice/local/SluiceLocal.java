package dev.sluice.local;

public final class SluiceLocal {
    private SluiceLocal() {
    }

    public static void main(String[] args) {
        System.out.println("placeholder");
    }
}
