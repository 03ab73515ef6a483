package shelf.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SerialSchedulerTest {
    private final SerialScheduler scheduler = new SerialScheduler(7);

    @AfterEach
    void close() {
        scheduler.close();
    }

    @Test
    void tasksFromManyThreadsRunOneAtATimeEachInTheOrderItsThreadSubmittedThem() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] lastSeen = new int[threads]; // protocol state: touched only by tasks, without locks
        List<String> outOfOrder = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(threads * perThread);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int submitter = t;
            submitters.add(new Thread(() -> {
                for (int i = 1; i <= perThread; i++) {
                    int n = i;
                    scheduler.execute(() -> {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        if (lastSeen[submitter] != n - 1) {
                            outOfOrder.add(submitter + ": " + n + " after " + lastSeen[submitter]);
                        }
                        lastSeen[submitter] = n;
                        inside.decrementAndGet();
                        done.countDown();
                    });
                }
            }));
        }
        submitters.forEach(Thread::start);
        assertTrue(done.await(20, TimeUnit.SECONDS), "every task ran");
        assertEquals(0, overlaps.get(), "tasks that ran while another was running");
        assertEquals(List.of(), outOfOrder);
    }

    @Test
    void theSubmitterRunsAnIdleProtocolsTaskItselfAndHandsALongQueueToTheNodesThread() throws Exception {
        Map<String, AtomicInteger> ranOn = new ConcurrentHashMap<>();
        int queued = 100;
        CountDownLatch done = new CountDownLatch(queued + 1);
        Runnable record = () -> {
            ranOn.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
            done.countDown();
        };
        scheduler.execute(() -> {
            record.run();
            for (int i = 0; i < queued; i++) {
                scheduler.execute(record); // queued behind the running task, not run inside it
            }
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        String me = Thread.currentThread().getName();
        assertEquals(SerialScheduler.CALLER_TURN, ranOn.get(me).get(), "tasks run by the submitting thread");
        assertEquals(queued + 1 - SerialScheduler.CALLER_TURN, ranOn.get("node-7-protocol").get(), "tasks handed over");
    }

    @Test
    void inTaskIsTrueOnlyOnTheThreadRunningATaskWhileItRuns() throws Exception {
        List<Boolean> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch otherThreadAsked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> seen.add(scheduler.inTask()));
        Thread busy = new Thread(() -> scheduler.execute(() -> {
            otherThreadAsked.countDown();
            awaitQuietly(release);
        }));
        busy.start();
        assertTrue(otherThreadAsked.await(10, TimeUnit.SECONDS));
        seen.add(scheduler.inTask()); // another thread is running a task right now
        release.countDown();
        busy.join();
        seen.add(scheduler.inTask());
        assertEquals(List.of(true, false, false), seen);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aTaskDueNowIsQueuedBehindTheRunningOneWithoutTheTimer() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        scheduler.execute(() -> {
            scheduler.schedule(0, () -> {
                events.add("due now, on " + Thread.currentThread().getName());
                done.countDown();
            });
            events.add("first task ends");
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("first task ends", "due now, on " + Thread.currentThread().getName()), events);
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheOnesAfterIt() throws Exception {
        CountDownLatch after = new CountDownLatch(1);
        scheduler.execute(() -> {
            throw new IllegalStateException("a bug in one handler");
        });
        scheduler.execute(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aDelayedTaskRunsAfterItsDelayAndNothingRunsAfterClose() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        long start = scheduler.now();
        long[] at = new long[1];
        scheduler.schedule(50, () -> {
            at[0] = scheduler.now();
            fired.countDown();
        });
        assertTrue(fired.await(5, TimeUnit.SECONDS));
        assertTrue(at[0] - start >= 50, "fired after " + (at[0] - start) + " ms");

        AtomicInteger ran = new AtomicInteger();
        scheduler.schedule(20, ran::incrementAndGet);
        scheduler.close();
        scheduler.execute(ran::incrementAndGet);
        scheduler.schedule(0, ran::incrementAndGet);
        Thread.sleep(100);
        assertEquals(0, ran.get());
    }
}
