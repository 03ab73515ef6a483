package shelf.cli;

import java.util.List;
import shelf.util.ExitCodes;
import shelf.util.Texts;

/**
 * The words of {@code history [<bookId>] [--limit N] [--after SEQ]}, checked: at most {@code limit} records (all, when
 * not given) with a sequence number above {@code after} (0: from the first), of one book or of all ({@code bookId}
 * null).
 */
record HistoryRequest(Integer bookId, long after, Long limit) {
    static final String USAGE = "usage: history [<bookId>] [--limit N] [--after SEQ]";

    /** The request the words make; a usage error (exit 2) names the bad word, a book id beyond any book exit 1. */
    static HistoryRequest parse(List<String> words) {
        Integer bookId = null;
        Long after = null;
        Long limit = null;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String option = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            if (option.equals("--limit") || option.equals("--after")) {
                String value = option.equals(word) ? valueAfter(words, i++, option) : word.substring(option.length() + 1);
                if (option.equals("--limit")) {
                    limit = once(limit, option, number(option, value, 1, "a whole number of records, 1 or more"));
                } else {
                    after = once(after, option, number(option, value, 0, "a record's sequence number, 0 or more"));
                }
            } else if (word.startsWith("--") || bookId != null) {
                throw new CliException(ExitCodes.USAGE, (word.startsWith("--") ? "unknown option '" + word + "'; "
                        : "one book id at most; ") + USAGE);
            } else {
                bookId = bookId(word);
            }
        }
        return new HistoryRequest(bookId, after == null ? 0 : after, limit);
    }

    /** The words that ask for the records after {@code last}, for the "more records follow" hint. */
    String next(long last) {
        return "history" + (bookId == null ? "" : " " + bookId) + (limit == null ? "" : " --limit " + limit) + " --after " + last;
    }

    private static String valueAfter(List<String> words, int i, String option) {
        if (i + 1 >= words.size()) {
            throw new CliException(ExitCodes.USAGE, option + " needs a value; " + USAGE);
        }
        return words.get(i + 1);
    }

    private static Long once(Long earlier, String option, long value) {
        if (earlier != null) {
            throw new CliException(ExitCodes.USAGE, option + " is given twice; " + USAGE);
        }
        return value;
    }

    private static long number(String option, String value, long min, String what) {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new CliException(ExitCodes.USAGE, option + " must be " + what + ", got '" + Texts.quoted(value) + "'");
    }

    private static int bookId(String word) {
        long id = ClientSession.bookId(word);
        if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
            throw new CliException(ExitCodes.REFUSED, "unknown book " + id);
        }
        return (int) id;
    }
}
