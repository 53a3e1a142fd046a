package dev.sluice.application.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.split.ContentSniffer.Kind;
import dev.sluice.application.split.ContentSniffer.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContentSnifferTest {

    private static Verdict sniff(byte[] bytes) {
        return ContentSniffer.sniff(bytes, bytes.length);
    }

    private static byte[] withMagic(int... magic) {
        byte[] bytes = "padding,after,the,magic\n1,2,3,4\n".getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(new byte[0], magic.length + bytes.length);
        for (int i = 0; i < magic.length; i++) {
            out[i] = (byte) magic[i];
        }
        System.arraycopy(bytes, 0, out, magic.length, bytes.length);
        return out;
    }

    @Test
    void knownBinaryFormatsAreRefusedByName() {
        assertBinary(withMagic(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A), "PNG");
        assertBinary(withMagic('P', 'K', 3, 4), "ZIP");
        assertBinary(withMagic('%', 'P', 'D', 'F', '-', '1', '.', '7'), "PDF");
        assertBinary(withMagic('G', 'I', 'F', '8', '9', 'a'), "GIF");
        assertBinary(withMagic(0xFF, 0xD8, 0xFF, 0xE0), "JPEG");
        assertBinary(withMagic(0x7F, 'E', 'L', 'F', 2, 1, 1), "ELF");
        byte[] pe = new byte[128];
        pe[0] = 'M';
        pe[1] = 'Z';
        pe[2] = (byte) 0x90;
        assertBinary(pe, "Windows executable");
    }

    @Test
    void otherBinaryIsRefusedByItsBytes() {
        byte[] nul = "date,campaign\n2024-01-01,a\u0000b\n".getBytes(StandardCharsets.UTF_8);
        assertBinary(nul, "NUL byte at offset 26");
        byte[] noise = new byte[1024];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) (i % 31 + 1);
        }
        assertBinary(noise, "control bytes");
    }

    @Test
    void gzipIsRecognised() {
        assertEquals(Kind.GZIP, sniff(withMagic(0x1F, 0x8B, 8, 0)).kind());
    }

    @Test
    void textPassesInAnyEncodingTheProfilerKnows() {
        assertEquals(Kind.TEXT, sniff("date,spend\n2024-01-01,1.5\n".getBytes(StandardCharsets.UTF_8)).kind());
        assertEquals(Kind.TEXT, sniff("Datum;Kosten\n1.1.2024;1,5 \u20ac\n".getBytes(
                java.nio.charset.Charset.forName("windows-1252"))).kind());
        assertEquals(Kind.TEXT, sniff("date,spend\n".getBytes(StandardCharsets.UTF_16)).kind(), "with a BOM");
        assertEquals(Kind.TEXT, sniff("date,spend\n".getBytes(StandardCharsets.UTF_16LE)).kind(), "without");
        assertEquals(Kind.TEXT, sniff("MZ,Mozambique\n2024-01-01,3\n".getBytes(StandardCharsets.UTF_8)).kind(),
                "a header that starts like an executable is still text");
        assertEquals(Kind.TEXT, sniff("a\tb\fc\u001b[0m\r\n".getBytes(StandardCharsets.UTF_8)).kind());
        assertEquals(Kind.TEXT, sniff(new byte[0]).kind(), "empty: the profiler says EMPTY_FILE");
    }

    private static void assertBinary(byte[] bytes, String named) {
        Verdict verdict = sniff(bytes);
        assertEquals(Kind.BINARY, verdict.kind(), verdict::toString);
        assertTrue(verdict.refused());
        assertTrue(verdict.description().contains(named), verdict.description());
    }
}
