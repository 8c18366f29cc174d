package hil.transports;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadlineTest {

    @Test
    void aDeadlineInTheFutureHasTimeLeftAndIsNotExpired() {
        Deadline deadline = Deadline.in(Duration.ofMinutes(5));

        assertFalse(deadline.expired());
        assertTrue(deadline.remaining().compareTo(Duration.ofMinutes(4)) > 0);
        assertTrue(deadline.remaining().compareTo(Duration.ofMinutes(5)) <= 0);
    }

    @Test
    void aZeroOrNegativeDeadlineIsExpiredAndItsRemainingTimeIsNeverNegative() {
        assertTrue(Deadline.in(Duration.ZERO).expired());
        assertTrue(Deadline.in(Duration.ofSeconds(-3)).expired());
        assertEquals(Duration.ZERO, Deadline.in(Duration.ofSeconds(-3)).remaining());
    }

    @Test
    void aNestedDeadlineNeverOutlastsItsParent() {
        Deadline outer = Deadline.in(Duration.ofSeconds(1));

        Deadline nested = outer.sub(Duration.ofHours(1));

        assertTrue(nested.remaining().compareTo(Duration.ofSeconds(1)) <= 0);
        assertSame(outer, nested);
    }

    @Test
    void aNestedDeadlineCanBeShorterThanItsParent() {
        Deadline outer = Deadline.in(Duration.ofHours(1));

        Deadline nested = outer.sub(Duration.ofSeconds(2));

        assertTrue(nested.remaining().compareTo(Duration.ofSeconds(2)) <= 0);
        assertEquals(Duration.ofSeconds(2), nested.budget());
    }

    @Test
    void minPicksTheEarlierDeadline() {
        Deadline early = Deadline.in(Duration.ofSeconds(1));
        Deadline late = Deadline.in(Duration.ofSeconds(100));

        assertSame(early, early.min(late));
        assertSame(early, late.min(early));
    }

    @Test
    void hugeDurationsAreClampedInsteadOfOverflowing() {
        Deadline forever = Deadline.in(Duration.ofSeconds(Long.MAX_VALUE));

        assertFalse(forever.expired());
        assertTrue(forever.remaining().toDays() > 365L * 100);
    }

    @Test
    void budgetsAreDescribedForMessages() {
        assertEquals("30 s", Deadline.describe(Duration.ofSeconds(30)));
        assertEquals("250 ms", Deadline.describe(Duration.ofMillis(250)));
        assertEquals("12.5 s", Deadline.describe(Duration.ofMillis(12_500)));
    }
}
