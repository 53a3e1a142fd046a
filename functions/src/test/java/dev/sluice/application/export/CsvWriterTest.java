package dev.sluice.application.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.RecordRepository.StoredError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV the exports write: quoting, formula neutralisation, and finding records by line in any file. */
class CsvWriterTest {

    @Test
    void cellsASpreadsheetWouldRunAsFormulasGetAQuoteWhenTheyComeFromAFile() {
        for (String formula : List.of("=1+1", "=HYPERLINK(\"http://x\")", "+SUM(A1)", "-2+3+cmd|' /C calc'!A0",
                "@SUM(A1)", "\tx", "\r=1", "-", "+", "=", "-1e5x", "+1 2")) {
            assertTrue(CsvWriter.looksLikeFormula(formula), formula);
            assertEquals("'" + formula, CsvWriter.neutralised(formula));
        }
        for (String harmless : List.of("", "Spring", "5", "-5.00", "+1,5", "-0.5", "-.5", "12%", "-1.234,56",
                "a=b", " =x", "'=x")) {
            assertFalse(CsvWriter.looksLikeFormula(harmless), harmless);
            assertEquals(harmless, CsvWriter.neutralised(harmless));
        }
    }

    @Test
    void fieldsAreQuotedOnlyWhereCsvNeedsItAndTrustedValuesAreWrittenAsTheyAre() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvWriter csv = new CsvWriter(out, ';');
        csv.untrusted(List.of("a", "b;c", "say \"hi\"", "two\nlines", " padded", "=x", "1,5")).endRow();
        csv.trusted("-3").trusted((String) null).untrusted((String) null).endRow();
        csv.flush();

        assertEquals("\uFEFFa;\"b;c\";\"say \"\"hi\"\"\";\"two\nlines\";\" padded\";'=x;1,5\r\n-3;;\r\n",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void recordsAreFoundByTheLineTheyStartOnWhateverCameBeforeTheHeader() throws IOException {
        String file = "sep=;\r\nReport: spring\r\n\r\nDay;Cost\r\n1.3.2024;\"1\r\n0\"\r\n2.3.2024;x\r\n3.3.2024;y\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvWriter csv = new CsvWriter(out, ';');
        try (FileRecords records = new FileRecords(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                "UTF-8", ';')) {
            ErrorsCsv errors = new ErrorsCsv(List.of("Day", "Cost", "error_code"), ';', csv, records);
            errors.writeHeader();
            errors.write(List.of(new StoredError(2, 7L, "Cost", "INVALID_NUMBER", "x is no number", "x")));
            errors.write(List.of(new StoredError(3, null, null, "CHUNK_FAILED", "chunk 2 died", null)));
            errors.write(List.of(new StoredError(9, 40L, "Cost", "INVALID_NUMBER", "z is no number", "z")));
            assertEquals(2, errors.fromFile());
            assertEquals(1, errors.fromExcerpts(), "line 40 is past the end of the file: its excerpt is used");
        }
        csv.flush();

        // The header's own error_code column is filled in rather than repeated.
        assertEquals("\uFEFFDay;Cost;error_code;error_line;error_column;error_message\r\n"
                + "2.3.2024;x;INVALID_NUMBER;7;Cost;x is no number\r\n"
                + "3.3.2024;y;CHUNK_FAILED;8;;chunk 2 died\r\n"
                + ";z;INVALID_NUMBER;40;Cost;z is no number\r\n", out.toString(StandardCharsets.UTF_8));
    }
}
