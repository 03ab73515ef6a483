package shelf.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import shelf.cluster.LocalCluster;
import shelf.library.Json;
import shelf.util.VersionProvider;

/** {@code shelf bench}: reproducible figures for the lock, the library, failover and elections. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Benchmarks against real node processes (and, for elections, an in-memory cluster).",
                "Each prints the machine and the settings with its figures; --json for one JSON document."},
        subcommands = {LockBench.class, LibraryBench.class, FailoverBench.class, ElectionBench.class, ConnectionBench.class,
                StartupBench.class, SummaryBench.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "choose a benchmark: " + String.join(", ",
                spec.subcommands().keySet()));
    }

    /** The log levels a node takes ({@code --log-level} of {@code RmiNode}). */
    enum NodeLogLevel {
        /** Heartbeats and RMI internals too. */
        DEBUG,
        /** One line per protocol event, as in production. */
        INFO,
        /** Problems only. */
        WARN
    }

    /** {@code --tls on|off}: TLS between the nodes and to them (the default), or plaintext, to measure what it costs. */
    public static final class TlsOption {
        /** The option's values. */
        enum Switch {
            /** Mutual TLS 1.3, as a cluster runs by default. */
            on,
            /** {@code tls=off}: plaintext. */
            off
        }

        @Option(names = "--tls", defaultValue = "on", paramLabel = "on|off",
                description = "TLS between the nodes and to them (default ${DEFAULT-VALUE}); off measures the cluster"
                        + " without it.")
        Switch tls;

        boolean on() {
            return tls == Switch.on;
        }

        /** The nodes' settings that say so. */
        Map<String, String> settings() {
            return on() ? Map.of() : Map.of("tls", "off");
        }
    }

    /** Options every benchmark takes. */
    /** A setting's two values, as nodes.properties spells them. */
    enum OnOff {
        on, off
    }

    public static final class Common {
        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Option(names = "--log-level", defaultValue = "INFO", paramLabel = "LEVEL",
                description = "Log level of the node processes: INFO (default, as in production), WARN or DEBUG.")
        NodeLogLevel nodeLogLevel;

        @Option(names = "--jvm", split = " ", paramLabel = "OPTIONS",
                defaultValue = LocalCluster.NODE_JVM_OPTIONS,
                description = "JVM options of each node (default: ${DEFAULT-VALUE}).")
        List<String> jvm;

        @Option(names = "--events", paramLabel = "on|off", defaultValue = "off",
                description = "Whether the nodes record their events files (default ${DEFAULT-VALUE}, as nodes do): on"
                        + " measures what they cost.")
        OnOff events;

        /** The cluster's settings with the nodes' {@code events} setting. */
        Map<String, String> withEvents(Map<String, String> settings) {
            Map<String, String> all = new LinkedHashMap<>(settings);
            all.put("events", events.name());
            return all;
        }

        /** The old name of {@code --log-level}, kept for scripts (its own field: picocli applies --log-level's default last). */
        @Option(names = "--node-log-level", hidden = true, paramLabel = "LEVEL", description = "Old name of --log-level.")
        NodeLogLevel oldNodeLogLevel;

        /** The nodes' log level, by either name. */
        NodeLogLevel nodeLogLevel() {
            return oldNodeLogLevel != null ? oldNodeLogLevel : nodeLogLevel;
        }

        @Option(names = "--charts", paramLabel = "DIR", description = "Also write the JSON document and SVG charts"
                + " (throughput, latency percentiles) into DIR: bench-<name>.json, bench-<name>-*.svg.")
        Path charts;

        /** Prints the report: human lines, or one JSON document with machine, settings and results; and the charts. */
        void report(String name, Map<String, Object> settings, Map<String, Object> results) throws IOException {
            Machine machine = Machine.current();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("benchmark", name);
            doc.put("machine", machine);
            doc.put("settings", settings);
            doc.put("results", results);
            String document;
            try {
                document = Json.MAPPER.writeValueAsString(doc);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            if (charts != null) {
                BenchCharts.write(charts, name, document, results).forEach(f -> progress("wrote " + f));
            }
            if (json) {
                System.out.println(document);
                return;
            }
            System.out.println("bench " + name);
            System.out.println("  machine:  " + machine);
            System.out.println("  settings: " + settings);
            results.forEach((k, v) -> System.out.printf(Locale.US, "  %-34s %s%n", k, v));
        }

        /** A progress line on stderr (human mode only), so stdout stays the report. */
        void progress(String line) {
            if (!json) {
                System.err.println("  ... " + line);
            }
        }

        Map<String, Object> settings(Object... keyValues) {
            Map<String, Object> s = new LinkedHashMap<>();
            for (int i = 0; i < keyValues.length; i += 2) {
                s.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
            }
            s.put("node JVM", String.join(" ", jvm));
            s.put("node log level", nodeLogLevel());
            s.put("events", events);
            return s;
        }
    }
}
