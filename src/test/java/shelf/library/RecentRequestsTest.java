package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RecentRequestsTest {
    private static final LocalDate DUE = LocalDate.of(2026, 12, 8);

    @Test
    void remembersAChangeByItsIdAndForgetsTheOldestBeyondTheWindow() {
        RecentRequests recent = new RecentRequests(3);
        String[] ids = {UUID.randomUUID().toString(), "retry-me", UUID.randomUUID().toString(), "r4"};
        recent.remember(ids[0], Op.BORROW, 1, "alice", DUE);
        recent.remember(ids[1], Op.RETURN, 2, "bob", null);
        recent.remember(ids[2], Op.RENEW, 3, "alice", DUE.plusDays(14));
        assertEquals(new RecentRequests.Change(Op.BORROW, 1, "alice", DUE), recent.find(ids[0]));
        assertEquals(new RecentRequests.Change(Op.RETURN, 2, "bob", null), recent.find(ids[1]));
        assertEquals(new RecentRequests.Change(Op.RENEW, 3, "alice", DUE.plusDays(14)), recent.find(ids[2]));

        recent.remember(ids[3], Op.BORROW, 4, "carol", DUE);
        assertNull(recent.find(ids[0]), "the oldest is forgotten");
        assertEquals(4, recent.find(ids[3]).bookId());
        assertEquals(3, recent.size());
    }

    @Test
    void idsThatLookAlikeAreNotConfused() {
        RecentRequests recent = new RecentRequests(10);
        String uuid = "123e4567-e89b-12d3-a456-426614174000";
        recent.remember(uuid, Op.BORROW, 1, "alice", DUE);
        assertNull(recent.find(uuid.toUpperCase()), "an id is compared exactly, not as a UUID");
        assertNull(recent.find("123e4567-e89b-12d3-a456-426614174001"));
        assertNull(recent.find("123e4567-e89b-12d3-a456-42661417400g"));
        recent.remember(uuid.toUpperCase(), Op.RETURN, 1, "alice", null);
        assertEquals(Op.BORROW, recent.find(uuid).op());
        assertEquals(Op.RETURN, recent.find(uuid.toUpperCase()).op());
    }

    @Test
    void anIdRememberedTwiceAnswersWithTheNewerChangeAndSurvivesTheOlderOnesEviction() {
        RecentRequests recent = new RecentRequests(3);
        recent.remember("same", Op.BORROW, 1, "alice", DUE);
        recent.remember("same", Op.RETURN, 1, "alice", null);
        assertEquals(Op.RETURN, recent.find("same").op());
        recent.remember("x", Op.BORROW, 2, "bob", DUE); // evicts the first "same", not the second
        assertEquals(Op.RETURN, recent.find("same").op());
        recent.remember("y", Op.BORROW, 3, "bob", DUE);
        recent.remember("z", Op.BORROW, 4, "bob", DUE);
        assertNull(recent.find("same"));
    }

    /** Random ids, repeats and evictions against a plain map and queue: the window must answer exactly as they do. */
    @Test
    @Timeout(60) // a broken index can probe forever
    void agreesWithAReferenceModelThroughManyEvictions() {
        Random random = new Random(42);
        for (int capacity : new int[] {1, 2, 7, 64, 1000}) {
            RecentRequests recent = new RecentRequests(capacity);
            Map<String, RecentRequests.Change> model = new HashMap<>();
            Deque<String> order = new ArrayDeque<>();
            Deque<String> everSeen = new ArrayDeque<>();
            for (int n = 0; n < 20_000; n++) {
                String id = random.nextInt(10) == 0 && !everSeen.isEmpty()
                        ? everSeen.toArray(String[]::new)[random.nextInt(everSeen.size())]
                        : random.nextBoolean() ? new UUID(random.nextLong(), random.nextLong()).toString()
                        : "id-" + random.nextInt(50_000);
                RecentRequests.Change change = new RecentRequests.Change(Op.values()[random.nextInt(3)], random.nextInt(100),
                        "user" + random.nextInt(5), random.nextBoolean() ? null : DUE.plusDays(random.nextInt(100)));
                recent.remember(id, change.op(), change.bookId(), change.user(), change.due());
                order.addLast(id);
                model.put(id, change);
                if (order.size() > capacity) {
                    String evicted = order.pollFirst();
                    if (!order.contains(evicted)) {
                        model.remove(evicted);
                    }
                }
                everSeen.addLast(id);
                if (everSeen.size() > 3 * capacity + 10) {
                    everSeen.pollFirst();
                }
                String probe = everSeen.toArray(String[]::new)[random.nextInt(everSeen.size())];
                assertEquals(model.get(probe), recent.find(probe), "capacity " + capacity + ", step " + n + ", id " + probe);
            }
        }
    }
}
