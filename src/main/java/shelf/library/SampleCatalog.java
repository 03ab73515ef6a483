package shelf.library;

import java.util.ArrayList;
import java.util.List;

/** The books a new library starts with: real titles and authors, ids 1..N. */
public final class SampleCatalog {
    private static final String[][] CLASSICS = {
        {"Pride and Prejudice", "Jane Austen"},
        {"Moby-Dick", "Herman Melville"},
        {"Nineteen Eighty-Four", "George Orwell"},
        {"To Kill a Mockingbird", "Harper Lee"},
        {"The Great Gatsby", "F. Scott Fitzgerald"},
        {"One Hundred Years of Solitude", "Gabriel Garcia Marquez"},
        {"Crime and Punishment", "Fyodor Dostoevsky"},
        {"War and Peace", "Leo Tolstoy"},
        {"The Lord of the Rings", "J. R. R. Tolkien"},
        {"Don Quixote", "Miguel de Cervantes"},
        {"Jane Eyre", "Charlotte Bronte"},
        {"Wuthering Heights", "Emily Bronte"},
        {"Middlemarch", "George Eliot"},
        {"Great Expectations", "Charles Dickens"},
        {"Anna Karenina", "Leo Tolstoy"},
        {"The Brothers Karamazov", "Fyodor Dostoevsky"},
        {"Madame Bovary", "Gustave Flaubert"},
        {"Ulysses", "James Joyce"},
        {"In Search of Lost Time", "Marcel Proust"},
        {"The Odyssey", "Homer"},
        {"Frankenstein", "Mary Shelley"},
        {"Dracula", "Bram Stoker"},
        {"The Trial", "Franz Kafka"},
        {"Brave New World", "Aldous Huxley"},
        {"The Catcher in the Rye", "J. D. Salinger"},
        {"Beloved", "Toni Morrison"},
        {"Things Fall Apart", "Chinua Achebe"},
        {"The Master and Margarita", "Mikhail Bulgakov"},
        {"Mrs Dalloway", "Virginia Woolf"},
        {"Les Miserables", "Victor Hugo"},
        {"The Count of Monte Cristo", "Alexandre Dumas"},
        {"Dune", "Frank Herbert"},
        {"The Hobbit", "J. R. R. Tolkien"},
        {"Invisible Man", "Ralph Ellison"},
        {"Catch-22", "Joseph Heller"},
        {"The Stranger", "Albert Camus"},
        {"Lolita", "Vladimir Nabokov"},
        {"The Name of the Rose", "Umberto Eco"},
        {"Middlesex", "Jeffrey Eugenides"},
        {"Structure and Interpretation of Computer Programs", "Harold Abelson and Gerald Jay Sussman"},
    };

    private SampleCatalog() {
    }

    /** N books: the classics, then further volumes of them for large benchmark libraries. */
    public static List<CatalogEntry> books(int n) {
        List<CatalogEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String[] book = CLASSICS[i % CLASSICS.length];
            int volume = i / CLASSICS.length + 1;
            String title = volume == 1 ? book[0] : book[0] + ", copy " + volume;
            entries.add(new CatalogEntry(i + 1, title, book[1]));
        }
        return entries;
    }
}
