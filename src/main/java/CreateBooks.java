import shelf.cli.Cli;
import shelf.cli.InitCommand;

/** The seed's {@code create_books.py}: {@code java -cp shelf.jar CreateBooks [--force] [--count N]}. */
public final class CreateBooks {
    private CreateBooks() {
    }

    public static void main(String[] args) {
        Cli.main("CreateBooks", new InitCommand(), args);
    }
}
