package shelf.util;

/** Text from outside, made safe to put in a message: never echoed back longer than a line. */
public final class Texts {
    /** How much of a caller's text a message quotes. */
    public static final int QUOTED = 80;

    private Texts() {
    }

    /** The first line of {@code text}, stripped; {@code ifNone} when it has none (a null or blank message). */
    public static String firstLine(String text, String ifNone) {
        String line = text == null ? "" : text.strip().lines().findFirst().orElse("").strip();
        return line.isEmpty() ? ifNone : line;
    }

    /** {@code text} itself when at most {@link #QUOTED} characters, else its start and its length. */
    public static String clip(Object text) {
        String s = String.valueOf(text);
        return s.length() <= QUOTED ? s : s.substring(0, QUOTED) + "... (" + s.length() + " characters)";
    }
}
