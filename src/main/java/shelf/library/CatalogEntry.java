package shelf.library;

/** One book of the catalogue, as {@code CreateBooks} writes it. */
public record CatalogEntry(int id, String title, String author) {
}
