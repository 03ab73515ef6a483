// Shelf admin session: jshell --class-path target/shelf.jar src/main/jshell/admin.jsh
// Reads ./nodes.properties. Try: status()   node(4).status()   ping(4, 2)   elect(3)   crash(5)   locks()   books()
import shelf.admin.Admin;
import shelf.api.AdminService;
import shelf.api.NodeStatus;
import shelf.lock.LockTable;
import shelf.lock.LockPhase;
import shelf.library.Book;
import shelf.config.ClusterConfig;
import shelf.cli.StatusTable;
import java.nio.file.Path;

ClusterConfig cluster = ClusterConfig.load(Path.of("nodes.properties"));

/** The admin stub of node {@code id}, e.g. {@code node(4).status()}. */
AdminService node(int id) throws Exception { return Admin.connect(cluster, id); }

/** Every node's status as a table; nodes that do not answer are shown as DOWN. */
void status() {
    System.out.println(StatusTable.HEADER);
    for (int id : cluster.ids()) {
        try {
            System.out.println(StatusTable.row(node(id).status()));
        } catch (Exception e) {
            System.out.println(StatusTable.down(id, e.getClass().getSimpleName()));
        }
    }
}

String ping(int from, int to) throws Exception { return node(from).ping(to); }
String elect(int id) throws Exception { return node(id).startElection(); }
String crash(int id) throws Exception { return node(id).crash(); }

/** The coordinator's lock table (asks every node, prints the one that serves). */
void locks() {
    for (int id : cluster.ids()) {
        try {
            LockTable t = node(id).lockTable();
            if (t.phase() != LockPhase.INACTIVE) System.out.println("node " + id + ": " + t);
        } catch (Exception e) { /* down: skip */ }
    }
}

void books() throws Exception {
    for (int id : cluster.ids()) {
        try { node(id).books().forEach(System.out::println); return; } catch (Exception e) { /* try the next */ }
    }
    System.out.println("no node answered");
}

System.out.println("Shelf admin: nodes " + cluster.ids() + ". Helpers: status(), node(id), ping(from, to), elect(id), crash(id), locks(), books()");
