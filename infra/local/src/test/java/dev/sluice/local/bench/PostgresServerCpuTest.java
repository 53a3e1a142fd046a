package dev.sluice.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PostgresServerCpuTest {

    @Test
    void addsUserSystemAndWaitedForChildrenTimeFromAProcStatLine() {
        // Fields 14-17 (utime, stime, cutime, cstime) are 1200, 300, 40, 5.
        String stat = "3940 (postgres) S 1 3939 3939 0 -1 4194560 2338 8421 0 3 1200 300 40 5 20 0 1 0 2514 "
                + "226582528 7349 18446744073709551615 1 1 0 0 0 0 4194304 19935232 1266 0 0 0 17 1 0 0 0 0 0";

        assertEquals(1545, PostgresServerCpu.ticks(stat));
    }

    @Test
    void countsFieldsAfterTheLastParenthesisSoACommandNameWithSpacesAndParenthesesCannotShiftThem() {
        String stat = "4001 (postgres: sluice (x) 1) R 3940 4001 4001 0 -1 4194560 90 0 0 0 70 20 0 0 20 0 1 0 9000 "
                + "226582528 2000 18446744073709551615 1 1 0 0 0 0 0 4194304 1266 0 0 0 17 0 0 0 0 0 0";

        assertEquals(90, PostgresServerCpu.ticks(stat));
    }
}
