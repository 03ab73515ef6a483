package shelf.tls;

import java.security.cert.X509Certificate;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a certificate speaks for: a role, and a name (for a node, {@code node-<id>}). Written in the certificate's subject
 * as {@code CN=<name>, OU=<role>, O=Shelf}; read back from a peer's certificate after the TLS handshake.
 *
 * @param role   what the holder may call
 * @param name   the subject's CN: {@code node-3}, or an operator's or client's name
 * @param nodeId the node's id for {@link Role#NODE}, 0 otherwise
 */
public record Identity(Role role, String name, int nodeId) {
    /** Every Shelf certificate's organisation. */
    static final String ORGANISATION = "Shelf";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern NODE_NAME = Pattern.compile("node-([1-9][0-9]{0,9})");

    public Identity {
        if (role == null || name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a certificate name is 1-64 letters, digits, '.', '_' or '-', not '" + name + "'");
        }
        if ((role == Role.NODE) != (nodeId > 0) || role == Role.NODE && !name.equals("node-" + nodeId)) {
            throw new IllegalArgumentException("a node's certificate is named node-<id>, not '" + name + "'");
        }
    }

    /** Node {@code id}'s identity. */
    public static Identity node(int id) {
        return new Identity(Role.NODE, "node-" + id, id);
    }

    /** An operator's or a client's identity. */
    public static Identity of(Role role, String name) {
        if (role == Role.NODE) {
            throw new IllegalArgumentException("use Identity.node(id) for a node");
        }
        return new Identity(role, name, 0);
    }

    /**
     * The identity a certificate's subject states.
     *
     * @throws IllegalArgumentException when the subject is not a Shelf identity (no role, an unknown one, a bad name)
     */
    public static Identity of(X509Certificate certificate) {
        String cn = null;
        String ou = null;
        String o = null;
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                switch (rdn.getType().toUpperCase(java.util.Locale.ROOT)) {
                    case "CN" -> cn = String.valueOf(rdn.getValue());
                    case "OU" -> ou = String.valueOf(rdn.getValue());
                    case "O" -> o = String.valueOf(rdn.getValue());
                    default -> throw new IllegalArgumentException("unexpected " + rdn.getType() + " in the subject");
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("unreadable subject: " + e.getMessage());
        }
        Role role = Role.ofLabel(ou);
        if (!ORGANISATION.equals(o) || role == null || cn == null) {
            throw new IllegalArgumentException("not a Shelf certificate: " + certificate.getSubjectX500Principal().getName());
        }
        if (role != Role.NODE) {
            return of(role, cn);
        }
        var m = NODE_NAME.matcher(cn);
        if (!m.matches()) {
            throw new IllegalArgumentException("a node's certificate is named node-<id>, not '" + cn + "'");
        }
        return node(Integer.parseInt(m.group(1)));
    }

    /**
     * The subject a certificate for this identity carries, in the order it is encoded (the most general part first),
     * which Java prints the other way round: {@code CN=node-3,OU=node,O=Shelf}.
     */
    String subject() {
        return "O=" + ORGANISATION + ",OU=" + role.label() + ",CN=" + name;
    }

    /** The stem of this identity's files in a key folder: {@code node-3}, {@code admin}, {@code client}. */
    String fileStem() {
        return role == Role.NODE ? name : role.label();
    }

    /** "node 3", "admin 'ops'", "client 'client'": how logs and messages name a caller. */
    @Override
    public String toString() {
        return role == Role.NODE ? "node " + nodeId : role.label() + " '" + name + "'";
    }
}
