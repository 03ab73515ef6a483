import shelf.cli.Cli;
import shelf.cli.ClientCommand;

/** The seed's {@code client.py}: {@code java -cp shelf.jar RmiClient -u <user> -n <node> [COMMAND ARGS]}. */
public final class RmiClient {
    private RmiClient() {
    }

    public static void main(String[] args) {
        Cli.main("RmiClient", new ClientCommand(), args);
    }
}
