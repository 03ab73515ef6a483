package shelf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import shelf.library.Json;

/**
 * The anchor of {@code bench lock --vs-curator}: acquire/release cycles of Apache Curator's {@link InterProcessMutex} on
 * an embedded ZooKeeper ({@link TestingServer}, one server, in this JVM, its data in a temporary folder), from one
 * client, measured as {@code bench lock} measures Shelf's lock: cycles of {@code --cycles}, the median of {@code --runs}.
 *
 * <p>Run by {@link CuratorAnchor} in a JVM of its own with the test class path (Curator is not in the node's jar);
 * ZooKeeper reads {@code -Dzookeeper.forceSync=no} once per JVM, so each setting is its own JVM. Prints progress on
 * stderr and one JSON line on stdout: the median {@link Stats}.
 */
public final class CuratorLockBench {
    private static final String LOCK_PATH = "/shelf-bench/lock";

    private CuratorLockBench() {
    }

    /** {@code --cycles N --runs R --warm-up SECONDS} */
    public static void main(String[] args) throws Exception {
        int cycles = 5000;
        int runs = 3;
        int warmUpSeconds = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int value = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--cycles" -> cycles = value;
                case "--runs" -> runs = value;
                case "--warm-up" -> warmUpSeconds = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Stats median = measure(cycles, runs, Duration.ofSeconds(warmUpSeconds));
        System.out.println(Json.MAPPER.writeValueAsString(median));
        System.exit(0); // ZooKeeper's and Curator's threads are not all daemons
    }

    /** Starts a ZooKeeper server and a client, warms up for {@code warmUp}, then returns the median of {@code runs}. */
    static Stats measure(int cycles, int runs, Duration warmUp) throws Exception {
        try (TestingServer zooKeeper = new TestingServer(true);
             CuratorFramework client = CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(), new RetryOneTime(100))) {
            client.start();
            if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Curator did not connect to ZooKeeper at " + zooKeeper.getConnectString());
            }
            InterProcessMutex mutex = new InterProcessMutex(client, LOCK_PATH);
            long warmUpEnd = System.nanoTime() + warmUp.toNanos();
            do {
                timed(mutex, Math.min(cycles, 500));
            } while (System.nanoTime() < warmUpEnd);
            List<Stats> all = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                all.add(timed(mutex, cycles));
                System.err.println("  ... Curator: " + all.get(i));
            }
            return Stats.median(all);
        }
    }

    private static Stats timed(InterProcessMutex mutex, int cycles) throws Exception {
        long[] latencies = new long[cycles];
        long start = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            long t = System.nanoTime();
            mutex.acquire();
            mutex.release();
            latencies[i] = System.nanoTime() - t;
        }
        return Stats.of(latencies, (System.nanoTime() - start) / 1e9);
    }
}
