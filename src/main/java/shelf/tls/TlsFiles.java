package shelf.tls;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;

/**
 * A folder of PEM files: the cluster CA ({@code ca.crt}, and {@code ca.key} where keys are issued) and the keys of
 * this host's identities, {@code node-<id>.crt/.key}, {@code admin.crt/.key}, {@code client.crt/.key}. A local cluster
 * keeps it in {@code resources/tls/}; on several hosts, each host's folder holds {@code ca.crt} and its own keys only,
 * and {@code ca.key} stays with the operator. {@code ca.crt} may hold several CA certificates, all trusted (to rotate
 * the CA without stopping the cluster). Private keys are written owner-only ({@code rw-------}).
 */
public final class TlsFiles {
    /** The folder's name under the library's folder. */
    public static final String DIR = "tls";
    public static final String CA_CERTIFICATE = "ca.crt";
    public static final String CA_KEY = "ca.key";
    /** The names a local node's certificate carries besides its configured host, so that loopback names reach it too. */
    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");

    private final Path dir;

    public TlsFiles(Path dir) {
        this.dir = dir;
    }

    /** The key folder under a library folder: {@code resources/tls}. */
    public static TlsFiles under(Path resources) {
        return new TlsFiles(resources.resolve(DIR));
    }

    public Path dir() {
        return dir;
    }

    public Path caCertificate() {
        return dir.resolve(CA_CERTIFICATE);
    }

    public Path caKey() {
        return dir.resolve(CA_KEY);
    }

    public Path certificate(Identity who) {
        return dir.resolve(who.fileStem() + ".crt");
    }

    public Path key(Identity who) {
        return dir.resolve(who.fileStem() + ".key");
    }

    /** The certificate file of a role's identity in this folder: node-3.crt, admin.crt, client.crt. */
    public Path certificate(Role role, int nodeId) {
        return dir.resolve((role == Role.NODE ? "node-" + nodeId : role.label()) + ".crt");
    }

    /** The files {@link #load(Role, int)} reads for a role's identity: its certificate, its key, the CA certificates. */
    public List<Path> files(Role role, int nodeId) {
        Path crt = certificate(role, nodeId);
        return List.of(crt, crt.resolveSibling(crt.getFileName().toString().replace(".crt", ".key")), caCertificate());
    }

    public boolean hasCa() {
        return Files.exists(caCertificate()) && Files.exists(caKey());
    }

    /** Writes a new CA (replacing any) to {@code ca.crt} and {@code ca.key}. */
    public CertificateAuthority createCa(Duration validity) throws IOException {
        CertificateAuthority ca = CertificateAuthority.create(validity);
        Pem.createOwnerOnlyDirectory(dir);
        Pem.writePrivateKey(caKey(), ca.key());
        Pem.writeCertificates(caCertificate(), List.of(ca.certificate()));
        return ca;
    }

    /**
     * The CA that issues keys: {@code ca.key} and the certificate of {@code ca.crt} that is its.
     *
     * @throws ConfigException when either file is missing or unreadable, saying where keys are issued
     */
    public CertificateAuthority loadCa() throws ConfigException {
        if (!Files.exists(caKey())) {
            throw new ConfigException(caKey() + " not found: keys are issued where the cluster's CA key is (create one with"
                    + " 'java -jar shelf.jar certs ca', or run CreateBooks for a local cluster)");
        }
        PrivateKey key = read(caKey(), Pem::readPrivateKey);
        for (X509Certificate c : trusted()) {
            if (KeyMaterial.matches(new CertifiedKey(c, key))) {
                return CertificateAuthority.of(c, key);
            }
        }
        throw new ConfigException(caKey() + " is not the key of any certificate in " + caCertificate());
    }

    /** Every CA certificate of {@code ca.crt}. */
    public List<X509Certificate> trusted() throws ConfigException {
        return read(caCertificate(), Pem::readCertificates);
    }

    /**
     * Loads {@code who}'s key material: its certificate and key, trusting the CAs of {@code ca.crt}.
     *
     * @throws ConfigException naming the missing or unreadable file, and how to get one
     */
    public KeyMaterial load(Identity who) throws ConfigException {
        return load(who.role(), who.nodeId());
    }

    /** Loads the key material of {@code role} (node {@code nodeId}) kept in this folder. */
    public KeyMaterial load(Role role, int nodeId) throws ConfigException {
        List<Path> files = files(role, nodeId);
        Path crt = files.get(0);
        Path key = files.get(1);
        Path absent = !Files.exists(crt) ? crt : !Files.exists(key) ? key : null;
        if (absent != null && !Files.notExists(absent)) {
            throw unreadable(absent); // there, but this user may not look into the owner-only folder
        }
        if (absent != null) {
            String what = role == Role.NODE ? "node " + nodeId : role.label();
            throw new ConfigException("no TLS key for " + what + ": " + absent + " not found (run"
                    + " CreateBooks in the cluster's folder, or issue one with 'java -jar shelf.jar certs "
                    + (role == Role.NODE ? "node " + nodeId : role.label()) + "' and copy it here; or set tls=off)");
        }
        X509Certificate certificate = read(crt, Pem::readCertificates).get(0);
        PrivateKey privateKey = read(key, Pem::readPrivateKey);
        KeyMaterial keys = KeyMaterial.of(new CertifiedKey(certificate, privateKey), trusted(), crt.toString());
        if (keys.identity().role() != role || role == Role.NODE && keys.identity().nodeId() != nodeId) {
            throw new ConfigException(crt + " is " + keys.identity() + "'s certificate, not "
                    + (role == Role.NODE ? "node " + nodeId : "an " + role.label() + "'s"));
        }
        return keys;
    }

    /** True when {@code role}'s key (for a node, node {@code nodeId}'s) is in this folder. */
    public boolean has(Role role, int nodeId) {
        Path crt = certificate(role, nodeId);
        return Files.exists(crt) && Files.exists(crt.resolveSibling(crt.getFileName().toString().replace(".crt", ".key")));
    }

    /** Issues {@code who}'s key from {@code ca} and writes it here, with {@code ca.crt} if this folder has none. */
    public CertifiedKey issue(CertificateAuthority ca, Identity who, List<String> hosts, Duration validity) throws IOException {
        CertifiedKey issued = ca.issue(who, hosts, validity);
        Pem.createOwnerOnlyDirectory(dir);
        Pem.writePrivateKey(key(who), issued.key());
        Pem.writeCertificates(certificate(who), List.of(issued.certificate()));
        if (!Files.exists(caCertificate())) {
            Pem.writeCertificates(caCertificate(), List.of(ca.certificate()));
        }
        return issued;
    }

    /** Writes {@code ca.crt}: the CAs this folder's identities trust. */
    public void writeTrusted(List<X509Certificate> cas) throws IOException {
        Pem.createOwnerOnlyDirectory(dir);
        Pem.writeCertificates(caCertificate(), cas);
    }

    /** The names a node's certificate carries: its configured host and, for a loopback host, the loopback names. */
    public static List<String> hostsOf(NodeAddress node, List<String> extra) {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(node.host());
        hosts.addAll(extra);
        if (LOOPBACK.contains(node.host()) || node.host().startsWith("127.") || node.host().equals("[::1]")) {
            hosts.addAll(LOOPBACK);
        }
        return List.copyOf(hosts);
    }

    /**
     * Creates what a local cluster lacks: the CA when there is none, and each missing key: one per node of
     * {@code config} (all nodes when {@code config} is null: none), the admin's and the client's. Keys already there
     * are kept.
     *
     * @return what it created, e.g. {@code [CA, node-1, node-2, admin, client]}; empty when nothing was missing
     * @throws ConfigException when keys are missing and the folder has a CA certificate but not its key
     */
    public List<String> ensureLocalCluster(ClusterConfig config) throws ConfigException, IOException {
        List<String> created = new ArrayList<>();
        List<Identity> wanted = new ArrayList<>();
        if (config != null) {
            config.ids().forEach(id -> wanted.add(Identity.node(id)));
        }
        wanted.add(Identity.of(Role.ADMIN, "admin"));
        wanted.add(Identity.of(Role.CLIENT, "client"));
        List<Identity> missing = wanted.stream().filter(w -> !has(w.role(), w.nodeId())).toList();
        if (missing.isEmpty()) {
            return created;
        }
        CertificateAuthority ca;
        if (!Files.exists(caCertificate()) && !Files.exists(caKey())) {
            ca = createCa(CertificateAuthority.CA_VALIDITY);
            created.add("CA");
        } else {
            ca = loadCa();
        }
        for (Identity who : missing) {
            List<String> hosts = who.role() == Role.NODE ? hostsOf(config.require(who.nodeId()), List.of()) : List.of();
            issue(ca, who, hosts, CertificateAuthority.KEY_VALIDITY);
            created.add(who.fileStem());
        }
        return created;
    }

    /** Reads one file, turning what can go wrong into a message that names it. */
    private interface Reader<T> {
        T read(Path file) throws IOException, GeneralSecurityException;
    }

    private static <T> T read(Path file, Reader<T> reader) throws ConfigException {
        try {
            return reader.read(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + " not found (run CreateBooks in the cluster's folder, or copy it from the"
                    + " operator's key folder)");
        } catch (AccessDeniedException e) {
            throw unreadable(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(file + ": not a readable PEM file: " + e.getMessage());
        }
    }

    /** {@code file} is there but this user may not read it: the keys are owner-only, so it is another user's. */
    static ConfigException unreadable(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        String owner;
        try {
            owner = " (" + (file.getParent() != null ? file.getParent() : folder) + " belongs to "
                    + Files.getOwner(folder).getName() + ")";
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            owner = "";
        }
        return new ConfigException(file + " cannot be read by this user (permission denied): TLS keys are owner-only"
                + owner + "; run as that user, or give this one its own copy of the keys");
    }

    /** True when a private key file may be read by others than its owner. */
    public static boolean readableByOthers(Path key) {
        return Pem.readableByOthers(key);
    }
}
