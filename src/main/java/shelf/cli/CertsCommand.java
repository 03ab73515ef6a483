package shelf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.tls.CertificateAuthority;
import shelf.tls.CertifiedKey;
import shelf.tls.Identity;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.tls.TlsFiles;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/**
 * {@code shelf certs}: the cluster CA and the keys it issues, for hosts other than this one (a local cluster's keys
 * are created by {@code CreateBooks}/{@code init} and {@code cluster}). Keys are written to {@code --out} (the CA's
 * folder by default), private keys owner-only, and the command says which files go where.
 */
@Command(name = "certs", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"The cluster's certificate authority and the TLS keys it issues (EC P-256, PEM).",
                "Keys are issued where the CA key is (resources/tls/ca.key by default), then copied to their host: "
                        + "a node needs ca.crt and its node-<id>.crt/.key, an operator ca.crt and admin.crt/.key, a client "
                        + "ca.crt and client.crt/.key, each in resources/tls/ of the folder it runs in. ca.key stays with "
                        + "the operator.",
                "Exit codes: 0 ok, 1 refused (a key or CA exists: --force replaces it), 2 usage."},
        subcommands = {CertsCommand.Ca.class, CertsCommand.Node.class, CertsCommand.Admin.class, CertsCommand.Client.class,
                CertsCommand.ListKeys.class})
public final class CertsCommand implements Runnable {
    @Option(names = "--ca", paramLabel = "DIR", defaultValue = "resources/tls", scope = ScopeType.INHERIT,
            description = "The CA's folder: ca.crt and ca.key (default: ${DEFAULT-VALUE}).")
    Path caDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options of the commands that issue a key. */
    static class Issue {
        @picocli.CommandLine.ParentCommand
        CertsCommand certs;

        @Option(names = "--out", paramLabel = "DIR", description = "Where to write the key (default: the CA's folder).")
        Path out;

        @Option(names = "--days", paramLabel = "N", defaultValue = "825",
                description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--force", description = "Replace a key that exists (to rotate it).")
        boolean force;

        /** Issues {@code who}'s key and says which files go where. */
        void issue(Identity who, List<String> hosts, String where) throws IOException {
            if (days < 1 || days > 36_500) {
                throw new CliException(ExitCodes.USAGE, "--days must be between 1 and 36500, got " + days);
            }
            TlsFiles ca = new TlsFiles(certs.caDir);
            TlsFiles target = new TlsFiles(out == null ? certs.caDir : out);
            if (Files.exists(target.certificate(who)) && !force) {
                throw new CliException(ExitCodes.REFUSED, target.certificate(who) + " exists; use --force to replace it");
            }
            CertificateAuthority authority = load(ca::loadCa);
            if (!target.dir().equals(ca.dir())) {
                target.writeTrusted(load(ca::trusted));
            }
            CertifiedKey issued = target.issue(authority, who, hosts, Duration.ofDays(days));
            System.out.println("Issued a key for " + who + (hosts.isEmpty() ? "" : " at " + String.join(", ", hosts))
                    + ", valid until " + issued.certificate().getNotAfter().toInstant() + ":");
            System.out.println("  " + target.certificate(who));
            System.out.println("  " + target.key(who) + "   (owner-only: keep it so)");
            System.out.println("Copy " + target.certificate(who).getFileName() + ", " + target.key(who).getFileName() + " and "
                    + TlsFiles.CA_CERTIFICATE + " (from " + target.dir() + ") into resources/tls/ of " + where
                    + "; never copy " + TlsFiles.CA_KEY + ". A running node uses a new key once restarted.");
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true,
            description = {"Issues node ID's key.",
                    "Its certificate names the node's host from nodes.properties (and the loopback names for a loopback "
                            + "host) and every --host: the names and addresses peers and clients dial."})
    static final class Node extends Issue implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "The node's id.")
        int id;

        @Option(names = "--host", paramLabel = "NAME",
                description = "A host name or address to put in the certificate (repeatable).")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--config", paramLabel = "FILE", defaultValue = ClusterConfig.DEFAULT_FILE,
                description = "Cluster configuration, for the node's host (default: ${DEFAULT-VALUE}; optional with --host).")
        Path config;

        @Override
        public Integer call() throws IOException {
            if (id < 1) {
                throw new CliException(ExitCodes.USAGE, "a node id is a positive integer, got " + id);
            }
            List<String> names = hosts;
            String where = "node " + id + "'s folder";
            if (Files.exists(config)) {
                NodeAddress node = load(() -> ClusterConfig.load(config).require(id));
                names = TlsFiles.hostsOf(node, hosts);
                where += " on " + node.host();
            } else if (hosts.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, config + " not found: name the node's host with --host NAME");
            }
            issue(Identity.node(id), names, where);
            return ExitCodes.OK;
        }
    }

    @Command(name = "admin", mixinStandardHelpOptions = true,
            description = "Issues an operator's key (admin.crt/.key): AdminService and LibraryService.")
    static final class Admin extends Issue implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--name", paramLabel = "NAME", defaultValue = "admin",
                description = "The operator's name (default ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() throws IOException {
            issue(identity(Role.ADMIN, name), List.of(), "the operator's folder");
            return ExitCodes.OK;
        }
    }

    @Command(name = "client", mixinStandardHelpOptions = true,
            description = "Issues a library client's key (client.crt/.key): LibraryService only.")
    static final class Client extends Issue implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--name", paramLabel = "NAME", defaultValue = "client",
                description = "The client's name (default ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() throws IOException {
            issue(identity(Role.CLIENT, name), List.of(), "the client's folder");
            return ExitCodes.OK;
        }
    }

    @Command(name = "ca", mixinStandardHelpOptions = true,
            description = {"Creates the cluster CA (ca.crt, ca.key) in the CA's folder.",
                    "With --force, replaces it and issues anew every key found in that folder (same names and hosts), "
                            + "so a local cluster rotates in one step; keys elsewhere must be issued again and copied. "
                            + "Restart every node after."})
    static final class Ca implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        CertsCommand certs;

        @Option(names = "--force", description = "Replace an existing CA (every key it issued stops being trusted).")
        boolean force;

        @Option(names = "--days", paramLabel = "N", defaultValue = "3650",
                description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Override
        public Integer call() throws IOException {
            TlsFiles files = new TlsFiles(certs.caDir);
            if ((Files.exists(files.caCertificate()) || Files.exists(files.caKey())) && !force) {
                throw new CliException(ExitCodes.REFUSED, files.caCertificate() + " exists; use --force to replace the CA"
                        + " (every key it issued stops being trusted)");
            }
            List<KeyMaterial> existing = new ArrayList<>();
            for (Role role : Role.values()) {
                for (int id : role == Role.NODE ? nodeIds(files.dir()) : List.of(0)) {
                    if (files.has(role, id)) {
                        existing.add(load(() -> files.load(role, id)));
                    }
                }
            }
            CertificateAuthority ca = files.createCa(Duration.ofDays(days));
            System.out.println("Created a new cluster CA in " + files.dir() + " (ca.crt, ca.key), valid until "
                    + ca.certificate().getNotAfter().toInstant());
            for (KeyMaterial k : existing) {
                files.issue(ca, k.identity(), hostsOf(k.certificate()), CertificateAuthority.KEY_VALIDITY);
                System.out.println("  issued anew: " + files.certificate(k.identity()));
            }
            System.out.println(existing.isEmpty() ? "Issue keys with: certs node ID, certs admin, certs client."
                    : "Copy ca.crt and each host's new keys to their folders, then restart every node.");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every certificate in a key folder: whose, which hosts, valid until when.")
    static final class ListKeys implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        CertsCommand certs;

        @Parameters(arity = "0..1", paramLabel = "DIR", description = "The folder (default: the CA's folder).")
        Path dir;

        @Override
        public Integer call() throws IOException {
            TlsFiles files = new TlsFiles(dir == null ? certs.caDir : dir);
            Instant now = Instant.now();
            for (X509Certificate ca : load(files::trusted)) {
                System.out.println("CA      " + ca.getSubjectX500Principal().getName() + "  until "
                        + ca.getNotAfter().toInstant());
            }
            for (Role role : Role.values()) {
                for (int id : role == Role.NODE ? nodeIds(files.dir()) : List.of(0)) {
                    if (files.has(role, id)) {
                        KeyMaterial k = load(() -> files.load(role, id));
                        System.out.printf(Locale.US,
                                "%-7s %-24s until %s (%d days)%s%n", role.label(), k.identity(), k.notAfter(),
                                k.daysLeft(now), hostsOf(k.certificate()).isEmpty() ? "" : "  hosts " + hostsOf(k.certificate()));
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    private static Identity identity(Role role, String name) {
        try {
            return Identity.of(role, name);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /** The node ids of the node-ID.crt files in {@code dir}. */
    static List<Integer> nodeIds(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("node-[1-9][0-9]{0,8}\\.crt"))
                    .map(n -> Integer.parseInt(n.substring("node-".length(), n.length() - ".crt".length()))).sorted().toList();
        }
    }

    /** The host names and addresses a certificate names. */
    static List<String> hostsOf(X509Certificate certificate) {
        try {
            if (certificate.getSubjectAlternativeNames() == null) {
                return List.of();
            }
            return certificate.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** Something that reads key files. */
    private interface Load<T> {
        T get() throws ConfigException;
    }

    private static <T> T load(Load<T> load) {
        try {
            return load.get();
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }
}
