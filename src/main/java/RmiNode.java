import shelf.cli.Cli;
import shelf.cli.NodeCommand;

/** The seed's {@code node.py}: {@code java -cp shelf.jar RmiNode <id> [<port>]} (or {@code -i <id> -p <port>}). */
public final class RmiNode {
    private RmiNode() {
    }

    public static void main(String[] args) {
        Cli.main("RmiNode", new NodeCommand(), args);
    }
}
