package shelf.node;

import shelf.api.Faults;
import shelf.api.NodeStatus;
import shelf.election.BullyElection;
import shelf.lock.LockClient;
import shelf.lock.LockServer;

/**
 * What operators and tests see of a node, read from its parts: the election's term and live peers, the lock server's
 * table, the token held, the client operations in the pipeline, the counters. Protocol thread only ({@link NodeCore}).
 */
final class NodeView {
    private final int self;
    private final BullyElection election;
    private final LockServer lockServer;
    private final LockClient lockClient;
    private final WritePipeline pipeline;
    private final Counters counters;

    NodeView(int self, BullyElection election, LockServer lockServer, LockClient lockClient, WritePipeline pipeline,
             Counters counters) {
        this.self = self;
        this.election = election;
        this.lockServer = lockServer;
        this.lockClient = lockClient;
        this.pipeline = pipeline;
        this.counters = counters;
    }

    NodeCore.Term term() {
        return new NodeCore.Term(election.role(), election.coordinator(), election.epoch(), lockServer.phase());
    }

    NodeStatus status() {
        var table = lockServer.table();
        var all = counters.snapshot();
        all.put("lock.grants", table.grants());
        all.put("lock.revocations", table.revocations());
        all.put("lock.stale-releases", table.staleReleases());
        all.put("election.rounds", election.roundsBegun());
        return new NodeStatus(self, election.role(), election.coordinator(), election.epoch(), election.peersAlive(),
                lockClient.held(), pipeline.operations(), table, all, Faults.NONE.describe());
    }
}
