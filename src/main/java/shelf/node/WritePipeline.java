package shelf.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.UnavailableException;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.Outcome;
import shelf.lock.LockClient;
import shelf.protocol.Scheduler;

/**
 * A node's client writes and lock holds, on their way through the cluster mutex. Operations and holds queue here and
 * the lock is asked for whenever something waits and the granted lock is not in use. Each grant serves one hold if
 * any waits (for {@link Node#holdLock}), otherwise a batch of up to {@link #MAX_BATCH} queued operations, handed to
 * the {@link LibraryWriter}: the lock goes to the next holder as soon as the batch is appended, and the batch's
 * clients hear their outcomes only once it is durable (fsync). An operation still queued for the lock past the
 * request timeout fails as unavailable; one handed to the writer is answered by the writer.
 *
 * <p>Threads: {@link #submit} and {@link #hold} are called by {@link NodeCore} for the {@link Node} interface, from any
 * thread, and only hand their work to the protocol thread. Everything else runs on the protocol thread: grants from
 * the {@link LockClient} and the tick, routed by NodeCore; the writer's callbacks, which come from the writer's thread
 * and are handed to the protocol thread as tasks before they touch anything.
 */
final class WritePipeline {
    private static final Logger log = LoggerFactory.getLogger(WritePipeline.class);
    /** Most operations applied under one grant (one fsync). */
    static final int MAX_BATCH = 512;

    private record PendingOp(Command command, CompletableFuture<Outcome> result, long deadline) {
    }

    /** A wish to hold the lock without writing (the operator's holdLock, the lock benchmark's cycles). */
    private record Hold(long millis, CompletableFuture<FencingToken> released) {
    }

    /** What the pipeline asks of the node around it; called on the protocol thread. */
    interface Surroundings {
        /** The coordinator this node waits for, or -1: for the message of an operation that timed out. */
        int coordinator();

        /** The node is stopping: new operations are refused. */
        boolean stopped();

        /** A write was refused as stale: the library has accepted {@code highest}, which the election must learn. */
        void libraryFence(FencingToken highest);
    }

    private final String me;
    private final Scheduler scheduler;
    private final LibraryWriter writer;
    private final LockClient lockClient;
    private final Counters counters;
    private final long requestTimeoutMs;
    private final Surroundings node;

    private final Deque<PendingOp> pending = new ArrayDeque<>();
    private List<PendingOp> writing = List.of();
    /** Operations appended and released with the lock, waiting for their fsync before they are answered. */
    private int syncingOps;
    private final Deque<Hold> holds = new ArrayDeque<>();
    /** The granted lock is in use: a batch is being written or a hold runs. */
    private boolean busy;
    /** The hold running under the granted lock, or null. */
    private Hold holding;

    WritePipeline(String me, Scheduler scheduler, LibraryWriter writer, LockClient lockClient, Counters counters,
                  long requestTimeoutMs, Surroundings node) {
        this.me = me;
        this.scheduler = scheduler;
        this.writer = writer;
        this.lockClient = lockClient;
        this.counters = counters;
        this.requestTimeoutMs = requestTimeoutMs;
        this.node = node;
    }

    /** From any thread: queues a client operation; the future completes when it is durable, refused, or failed. */
    CompletableFuture<Outcome> submit(Command command) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            if (node.stopped()) {
                result.completeExceptionally(new UnavailableException(me + " is stopping"));
                return;
            }
            pending.addLast(new PendingOp(command, result, scheduler.now() + requestTimeoutMs));
            if (!busy) {
                lockClient.acquire();
            }
        });
        return result;
    }

    /**
     * From any thread: queues a hold of {@code millis}; the future completes with the grant's token on release. On the
     * protocol thread (the completion of an earlier hold, as {@link LockCycles} asks) the hold is queued within the
     * calling task, so the next lock request leaves together with the release that completed the earlier hold: the
     * transport sends both in one call.
     */
    CompletableFuture<FencingToken> hold(long millis) {
        CompletableFuture<FencingToken> released = new CompletableFuture<>();
        Hold hold = new Hold(millis, released);
        if (scheduler.inTask()) {
            queueHold(hold);
        } else {
            scheduler.execute(() -> queueHold(hold));
        }
        released.whenComplete((token, e) -> {
            if (released.isCancelled()) {
                scheduler.execute(() -> withdraw(hold));
            }
        });
        return released;
    }

    /**
     * A hold its asker cancelled (an operator ended it, or stopped waiting for its grant): withdrawn from the queue, or,
     * running, ended now with the lock released, as its timer would have done.
     */
    private void withdraw(Hold hold) {
        if (holding != hold) {
            holds.remove(hold);
            return;
        }
        holding = null;
        busy = false;
        lockClient.release();
        acquireIfWanted();
    }

    private void queueHold(Hold hold) {
        holds.addLast(hold);
        if (!busy) {
            lockClient.acquire();
        }
    }

    /** The lock client's grant: a hold runs, or a batch goes to the writer, or (nothing left) the lock goes back. */
    void granted(FencingToken token) {
        while (!holds.isEmpty() && holds.peekFirst().released.isCancelled()) {
            holds.pollFirst(); // cancelled while its withdrawal waited behind this grant
        }
        if (!holds.isEmpty()) {
            Hold hold = holds.pollFirst();
            counters.add("lock.holds");
            busy = true;
            holding = hold;
            scheduler.schedule(hold.millis, () -> {
                if (holding != hold || !lockClient.checkLease()) {
                    return; // the lease was lost first, and the hold has been answered
                }
                holding = null;
                busy = false;
                lockClient.release();
                hold.released.complete(token);
                acquireIfWanted();
            });
            return;
        }
        if (pending.isEmpty()) {
            lockClient.release();
            return;
        }
        List<PendingOp> batch = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
        while (!pending.isEmpty() && batch.size() < MAX_BATCH) {
            batch.add(pending.pollFirst());
        }
        writing = batch;
        busy = true;
        List<Command> commands = batch.stream().map(PendingOp::command).toList();
        writer.write(token, commands, new BatchWrite(token, batch));
    }

    /**
     * The lock client's lease on {@code token} ran out by this node's clock (the process was paused): a hold running
     * under it ends now and says so; a batch being written is left to the library's fence, which refuses it if a
     * newer holder has written.
     */
    void leaseLost(FencingToken token, String why) {
        if (holding == null) {
            return;
        }
        Hold hold = holding;
        holding = null;
        busy = false;
        hold.released.completeExceptionally(new UnavailableException(me + " lost the cluster lock before the end of its "
                + hold.millis + " ms hold: lease lost (" + why + "); the coordinator revokes the grant if it has not yet"));
        acquireIfWanted();
    }

    /** Fails the operations that waited for the lock past the request timeout (they were not handed to the writer). */
    void expireOverdue() {
        long now = scheduler.now();
        while (!pending.isEmpty() && pending.peekFirst().deadline <= now) {
            PendingOp op = pending.pollFirst();
            counters.add("client.timeouts");
            op.result.completeExceptionally(new UnavailableException(me + " could not get the cluster lock within "
                    + requestTimeoutMs + " ms (" + waitingFor() + "); the operation was not applied"));
        }
    }

    /** Client operations here: queued for the lock, being appended, or waiting for their fsync. */
    int operations() {
        return pending.size() + writing.size() + syncingOps;
    }

    private String waitingFor() {
        int c = node.coordinator();
        return c < 0 ? "no coordinator elected yet" : "waiting for a grant from coordinator node " + c;
    }

    private void acquireIfWanted() {
        if (!pending.isEmpty() || !holds.isEmpty()) {
            lockClient.acquire();
        }
    }

    private static void fail(List<PendingOp> ops, String why) {
        for (PendingOp op : ops) {
            op.result.completeExceptionally(new UnavailableException(why));
        }
    }

    /**
     * One batch through the writer: the lock is released as soon as the batch is appended (the next holder's
     * append overlaps this batch's fsync), and the clients hear their outcomes only once it is durable.
     * The writer's callbacks come from its thread; each is handled as a protocol task, in order.
     */
    private final class BatchWrite implements LibraryWriter.Listener {
        private final FencingToken token;
        private final List<PendingOp> batch;
        private List<Outcome> outcomes = List.of();
        /** When the batch went to the writer, and when the writer said it was appended (System.nanoTime). */
        private final long startedAt = System.nanoTime();
        private volatile long appendedAt;

        BatchWrite(FencingToken token, List<PendingOp> batch) {
            this.token = token;
            this.batch = batch;
        }

        @Override
        public void appended(LibraryWriter.Result result) {
            appendedAt = System.nanoTime();
            long micros = (appendedAt - startedAt) / 1_000;
            scheduler.execute(() -> {
                counters.add("store.append-us", micros); // under the cluster lock: the batch's whole write to the store
                onAppended(result);
            });
        }

        @Override
        public void durable() {
            long micros = (System.nanoTime() - appendedAt) / 1_000;
            scheduler.execute(() -> {
                counters.add("store.sync-us", micros); // after the lock is released: the fsync (none for a database)
                syncingOps -= batch.size();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result.complete(outcomes.get(i));
                }
            });
        }

        @Override
        public void notDurable(String reason) {
            scheduler.execute(() -> {
                syncingOps -= batch.size();
                counters.add("store.sync-failures");
                log.error("{}: fsync of the library failed after token {}'s batch: {}", me, token, reason);
                fail(batch, me + " appended the operation but could not make it durable (" + reason + "); it may or may not"
                        + " have been applied: retry it with the same request id, which never applies twice");
            });
        }

        private void onAppended(LibraryWriter.Result result) {
            writing = List.of();
            busy = false;
            if (result instanceof LibraryWriter.Result.Applied applied) {
                counters.add("store.batches");
                outcomes = applied.outcomes();
                syncingOps += batch.size();
                lockClient.release(); // the next holder may append while this batch is fsynced
            } else if (result instanceof LibraryWriter.Result.Fenced fenced) {
                // Fencing: a refused holder learns the library's fence and gives its grant up; the operations still
                // queued ask for the lock again. It starts no election (see BullyElection#learnLibraryEpoch).
                counters.add("store.fenced");
                log.warn("{}: write refused by the library: {}; {} operations not applied", me, fenced.reason(),
                        batch.size());
                fail(batch, me + "'s write was refused by the library: " + fenced.reason() + " (a later holder wrote,"
                        + " or the library's fence is ahead of this cluster's term); nothing was applied");
                node.libraryFence(fenced.highest());
                lockClient.abandon("fenced off by the library");
            } else if (result instanceof LibraryWriter.Result.Failed failed) {
                counters.add("store.failures");
                log.error("{}: library write failed: {}", me, failed.reason());
                fail(batch, me + " could not write the library: " + failed.reason());
                lockClient.release();
            }
            acquireIfWanted();
        }
    }
}
