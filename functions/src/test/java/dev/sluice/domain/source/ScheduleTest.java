package dev.sluice.domain.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Rate and cron schedules in EventBridge Scheduler's syntax, evaluated in their time zone. */
class ScheduleTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:17:30Z");

    @Test
    void aRateCountsFromWhenItWasSet() {
        Schedule every15 = Schedule.of("rate(15 minutes)", null);
        Instant anchor = Instant.parse("2026-12-02T10:05:00Z");
        assertEquals(Instant.parse("2026-12-02T10:20:00Z"), every15.nextAfter(NOW, anchor));
        assertEquals(Instant.parse("2026-12-02T10:35:00Z"),
                every15.nextAfter(Instant.parse("2026-12-02T10:20:00Z"), anchor), "strictly after");
        assertEquals(Instant.parse("2026-12-03T10:05:00Z"), Schedule.of("rate(1 day)", "UTC").nextAfter(NOW, anchor));
    }

    @Test
    void cronIsEvaluatedInItsTimeZoneAcrossDaylightSavingTime() {
        Schedule sixInBerlin = Schedule.of("cron(0 6 * * ? *)", "Europe/Berlin");
        assertEquals(Instant.parse("2026-12-03T05:00:00Z"), sixInBerlin.nextAfter(NOW, NOW), "CET is UTC+1");
        assertEquals(Instant.parse("2026-07-01T04:00:00Z"),
                sixInBerlin.nextAfter(Instant.parse("2026-06-30T12:00:00Z"), NOW), "CEST is UTC+2");
    }

    @Test
    void cronListsRangesStepsAndNames() {
        Schedule weekdays = Schedule.of("cron(*/20 9-10 ? * MON-FRI *)", "UTC");
        // 2026-12-02 is a Wednesday.
        assertEquals(Instant.parse("2026-12-02T10:20:00Z"), weekdays.nextAfter(NOW, NOW));
        assertEquals(Instant.parse("2026-12-07T09:00:00Z"),
                weekdays.nextAfter(Instant.parse("2026-12-04T10:40:00Z"), NOW), "Friday's last, then Monday");
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"),
                Schedule.of("cron(0 0 1 JAN ? *)", "UTC").nextAfter(NOW, NOW));
        assertEquals(Instant.parse("2028-02-29T12:00:00Z"),
                Schedule.of("cron(0 12 29 2 ? *)", "UTC").nextAfter(NOW, NOW), "the next leap day");
    }

    @Test
    void badExpressionsAreRefusedWithWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.of("every hour", null)).getMessage()
                .contains("rate(15 minutes)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.of("cron(0 6 * * *)", null))
                .getMessage().contains("6 fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.of("cron(0 6 L * ? *)", null))
                .getMessage().contains("not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.of("cron(0 6 1 * MON *)", null))
                .getMessage().contains("must be ?"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.of("rate(0 minutes)", null))
                .getMessage().contains("at least 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.of("rate(1 hour)", "Mars/Olympus"))
                .getMessage().contains("IANA"));
    }
}
