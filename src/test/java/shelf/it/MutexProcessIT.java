package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.NodeStatus;
import shelf.check.InvariantChecker;
import shelf.election.Role;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.SampleCatalog;

/** Issue 4 with real processes: contention through the cluster mutex, and chaos with a checker. */
class MutexProcessIT {

    @Test
    void tenClientsOnFiveNodesBorrowTheSameBookAndExactlyOneSucceeds(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 5)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1, 2, 3, 4, 5));
            List<CompletableFuture<ClusterFixture.Run>> runs = new ArrayList<>();
            for (int c = 0; c < 10; c++) {
                int node = 1 + c % 5;
                String user = "reader" + c;
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return f.run("RmiClient", "-u", user, "-n", String.valueOf(node), "--config", "nodes.properties",
                                "--json", "borrow", "7");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            List<Integer> codes = runs.stream().map(CompletableFuture::join).map(ClusterFixture.Run::code).toList();
            assertEquals(1, codes.stream().filter(c -> c == 0).count(), codes.toString());
            assertEquals(9, codes.stream().filter(c -> c == 1).count(), codes.toString());
            assertEquals(1, f.history(3).size());
        }
    }

    @Test
    void invariantsHoldWhileCoordinatorsAndLockHoldersAreKilledPausedAndRestarted(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        try (ClusterFixture f = new ClusterFixture(dir, 5)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1, 2, 3, 4, 5));
            List<String> acked = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger unavailable = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(8);
            for (int c = 0; c < 8; c++) {
                String user = "u" + c;
                Random r = new Random(seed + c);
                clients.execute(() -> {
                    while (running.get()) {
                        int node = 1 + r.nextInt(5);
                        Command cmd = new Command(UUID.randomUUID().toString(), Op.values()[r.nextInt(3)],
                                1 + r.nextInt(10), user);
                        try {
                            Outcome o = f.execute(node, cmd);
                            if (o.ok()) {
                                acked.add(cmd.requestId());
                            }
                        } catch (Exception e) {
                            unavailable.incrementAndGet();
                            sleepQuietly(20);
                        }
                    }
                });
            }
            // 10 s by default (about six disturbances): ChaosIT runs the checked fault schedule; -Dchaos.seconds=N for more
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("chaos.seconds", 10));
            List<String> actions = new ArrayList<>();
            while (System.nanoTime() < end) {
                Thread.sleep(500 + random.nextInt(1_500));
                actions.add(disturb(f, random));
            }
            for (int id = 1; id <= 5; id++) {
                if (!f.cluster.isAlive(id)) {
                    f.cluster.start(id);
                } else {
                    f.cluster.resume(id);
                }
            }
            f.awaitAgreement(List.of(1, 2, 3, 4, 5));
            Thread.sleep(1_000);
            running.set(false);
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));

            Map<String, List<Book>> states = new TreeMap<>();
            for (int id = 1; id <= 5; id++) {
                states.put("node " + id, f.books(id));
            }
            List<String> violations = InvariantChecker.check(f.history(1), acked, SampleCatalog.books(10), states);
            String context = "seed " + seed + ", actions " + actions + ", " + acked.size() + " acknowledged, "
                    + unavailable.get() + " unavailable";
            assertEquals(List.of(), violations, context);
            assertTrue(acked.size() > 50, context);
            long fenced = 0;
            for (int id = 1; id <= 5; id++) {
                NodeStatus s = f.cluster.status(id).orElseThrow();
                fenced += s.counters().getOrDefault("store.fenced", 0L);
            }
            System.out.println("chaos: " + context + ", fenced writes " + fenced);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills, pauses, resumes or restarts a node: the coordinator or the lock holder more often than others. */
    private static String disturb(ClusterFixture f, Random random) throws Exception {
        List<Integer> live = f.cluster.liveIds();
        int coordinator = live.isEmpty() ? 0 : live.stream().map(f.cluster::status).flatMap(java.util.Optional::stream)
                .filter(s -> s.role() == Role.COORDINATOR).mapToInt(NodeStatus::id).max().orElse(0);
        int holder = live.stream().map(f.cluster::status).flatMap(java.util.Optional::stream)
                .filter(s -> s.heldToken() != null).mapToInt(NodeStatus::id).findFirst().orElse(0);
        int target = random.nextBoolean() && coordinator > 0 ? coordinator : holder > 0 ? holder : 1 + random.nextInt(5);
        if (!f.cluster.isAlive(target)) {
            f.cluster.start(target);
            return "start " + target;
        }
        if (live.size() <= 2) {
            f.cluster.resume(target);
            return "resume " + target;
        }
        switch (random.nextInt(4)) {
            case 0 -> {
                f.cluster.kill(target);
                return "kill " + target;
            }
            case 1 -> {
                f.cluster.pause(target);
                Thread.sleep(500 + random.nextInt(2_000));
                f.cluster.resume(target);
                return "pause+resume " + target;
            }
            default -> {
                f.cluster.resume(target);
                return "noop " + target;
            }
        }
    }
}
