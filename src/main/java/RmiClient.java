import shelf.cli.Cli;
import shelf.cli.ClientCommand;
import shelf.rmi.Credentials;
import shelf.tls.Role;

/** The seed's {@code client.py}: {@code java -cp shelf.jar RmiClient -u <user> -n <node> [COMMAND ARGS]}. */
public final class RmiClient {
    private RmiClient() {
    }

    public static void main(String[] args) {
        Credentials.prepare(Role.CLIENT); // the key and TLS context are read while picocli reads the command line
        Cli.main("RmiClient", new ClientCommand(), args);
    }
}
