package shelf.tls;

import java.util.Locale;

/** What a certificate lets its holder do. The certificate's subject names it in its OU ("OU=node"). */
public enum Role {
    /** A cluster node: serves the three services and calls its peers' NodeService. */
    NODE,
    /** An operator: AdminService and LibraryService (jshell, the admin CLI, cluster, demo, bench). */
    ADMIN,
    /** A library client: LibraryService only. */
    CLIENT;

    /** The name in certificates and file names: node, admin, client. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code label}, or null. */
    static Role ofLabel(String label) {
        for (Role r : values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        return null;
    }
}
