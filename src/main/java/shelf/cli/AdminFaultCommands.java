package shelf.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import shelf.api.Faults;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.library.StoreFault;
import shelf.util.ExitCodes;
import shelf.util.Texts;
import shelf.util.VersionProvider;

/**
 * {@code admin partition | heal | drop | delay | store-fault}: faults injected into a running cluster
 * ({@link shelf.api.AdminService#setFaults}, {@link shelf.api.AdminService#injectStoreFault}). Each prints one line per
 * node with the faults now in force and those before; bad arguments are one line and exit code 2, before any node is
 * asked; a node that could not be reached is a line on stderr and exit code 3 (the others still changed).
 */
final class AdminFaultCommands {
    private AdminFaultCommands() {
    }

    /** What a node had before and has now, as each command prints it (and {@code --json} writes it). */
    record Change(Faults faults, Faults were) {
        String line(int id) {
            return "node " + id + ": network faults " + faults.describe() + " (were " + were.describe() + ")";
        }
    }

    /** Network faults on the chosen nodes: every node unless {@code -n} names one. */
    private abstract static class NetworkFault implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        /** The node's faults after this command, from those it has ({@code current}). */
        abstract Faults next(int id, Faults current);

        /** Checks the arguments before any node is asked: exit code 2, one line. */
        void validate(ClusterConfig cluster) {
        }

        @Override
        public Integer call() throws ConfigException {
            validate(ClusterConfig.load(admin.config));
            if (admin.node == null) {
                admin.all = true; // these act on every node unless -n names one
            }
            return admin.forEachNode(id -> a -> {
                Faults now = next(id, a.faults());
                return new Change(now, a.setFaults(now));
            }, (id, change) -> ((Change) change).line(id));
        }

        /** The local check of an argument: the message of the {@link Faults} it would make, as a usage error. */
        static void check(Runnable make) {
            try {
                make.run();
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
    }

    @Command(name = "partition", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Split the cluster: each node drops every message to and from the other sides' nodes.",
                    "They look unreachable to it, as across a real network partition. Clear it with admin heal.",
                    "SIDES names every node once, sides separated by '/': 1,2,3/4,5. Exit 2 for bad SIDES."})
    static final class Partition extends NetworkFault {
        @Parameters(paramLabel = "SIDES", description = "The sides: node ids with ',' between them, sides with '/'.")
        String sides;

        private List<Set<Integer>> parsed;

        @Override
        void validate(ClusterConfig cluster) {
            parsed = sides(sides, cluster.ids());
        }

        @Override
        Faults next(int id, Faults current) {
            Set<Integer> others = new TreeSet<>();
            parsed.stream().filter(side -> !side.contains(id)).forEach(others::addAll);
            return current.withBlocked(others);
        }

        /**
         * The sides of {@code spec} over the configured {@code ids}: at least two, none empty, every configured id in
         * exactly one.
         *
         * @throws CliException with exit code 2 and one line saying what is wrong
         */
        static List<Set<Integer>> sides(String spec, List<Integer> ids) {
            String[] parts = spec.split("/", -1);
            if (parts.length < 2) {
                throw usage("a partition has at least two sides separated by '/', as in 1,2,3/4,5; got '"
                        + Texts.quoted(spec) + "'");
            }
            List<Set<Integer>> sides = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            for (String part : parts) {
                Set<Integer> side = new TreeSet<>();
                for (String token : part.split(",", -1)) {
                    int id = nodeId(token.strip(), spec, ids);
                    if (!seen.add(id)) {
                        throw usage("node " + id + " is named twice in '" + spec + "': each node is on exactly one side");
                    }
                    side.add(id);
                }
                sides.add(side);
            }
            List<Integer> missing = ids.stream().filter(id -> !seen.contains(id)).toList();
            if (!missing.isEmpty()) {
                throw usage("'" + spec + "' puts no side around node(s) " + missing + ": name every node of " + ids);
            }
            return sides;
        }

        private static int nodeId(String token, String spec, List<Integer> ids) {
            if (token.isEmpty()) {
                throw usage("'" + spec + "' has an empty side or a stray ','");
            }
            int id;
            try {
                id = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw usage("'" + token + "' in '" + spec + "' is not a node id");
            }
            if (!ids.contains(id)) {
                throw usage("node " + id + " is not in the configuration " + ids);
            }
            return id;
        }

        private static CliException usage(String message) {
            return new CliException(ExitCodes.USAGE, message);
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Lose PERCENT of the messages to and from each chosen node (every node unless -n), at random.",
                    "The sender is not told; 0 stops it. Exit 2 outside 0..100."})
    static final class Drop extends NetworkFault {
        @Parameters(paramLabel = "PERCENT", description = "0 to 100.")
        int percent;

        @Override
        void validate(ClusterConfig cluster) {
            check(() -> Faults.NONE.withDropPercent(percent));
        }

        @Override
        Faults next(int id, Faults current) {
            return current.withDropPercent(percent);
        }
    }

    @Command(name = "delay", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Hold each message the chosen nodes send (every node unless -n) MS milliseconds before it leaves.",
                    "0 stops it. Exit 2 outside 0..10000."})
    static final class Delay extends NetworkFault {
        @Parameters(paramLabel = "MS", description = "0 to 10000.")
        long millis;

        @Override
        void validate(ClusterConfig cluster) {
            check(() -> Faults.NONE.withDelayMs(millis));
        }

        @Override
        Faults next(int id, Faults current) {
            return current.withDelayMs(millis);
        }
    }

    @Command(name = "heal", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Clear every injected fault (partition, drop, delay, store fault) on every node (or -n ID).",
                    "A stopped PostgreSQL is not started by it."})
    static final class Heal implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() throws ConfigException {
            if (admin.node == null) {
                admin.all = true;
            }
            return admin.forEachNode(id -> a -> {
                Change network = new Change(Faults.NONE, a.setFaults(Faults.NONE));
                String store = a.injectStoreFault(StoreFault.NONE.label());
                return network.line(id) + "; " + store.substring(store.indexOf(": ") + 2);
            }, (id, line) -> String.valueOf(line));
        }
    }

    @Command(name = "store-fault", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Make the chosen node's library writes fail (store=file only).",
                    "'write' fails each append, nothing applied; 'fsync' fails each fsync after the append; 'none' clears it.",
                    "Clients hear an error.",
                    "With PostgreSQL stop the database instead (exit 2 here). Needs -n ID or --all."})
    static final class StoreFaultCommand implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(paramLabel = "KIND", description = "write, fsync or none.")
        String kind;

        @Override
        public Integer call() throws ConfigException {
            NetworkFault.check(() -> StoreFault.parse(kind));
            return admin.forEach(a -> a.injectStoreFault(kind), String::valueOf);
        }
    }
}
