package shelf.util;

import java.util.Locale;

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

    /**
     * What a message may echo of a caller's {@code text}: {@link #clip clipped}, its invisible characters written as
     * \\uXXXX ({@link #visible}), so that neither a megabyte nor a terminal's escape sequence comes back.
     */
    public static String quoted(Object text) {
        return visible(clip(text));
    }

    /** The text with invisible characters (controls, zero-width and other format characters) written as \\uXXXX. */
    public static String visible(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            int type = Character.getType(c);
            boolean invisible = Character.isISOControl(c) || type == Character.FORMAT
                    || Character.isSpaceChar(c) && c != ' ';
            b.append(invisible ? String.format(Locale.US, "\\u%04X", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /** {@code text} itself when at most {@link #QUOTED} characters, else its start and its length. */
    public static String clip(Object text) {
        return clip(text, QUOTED);
    }

    /** {@code text} itself when at most {@code max} characters, else its start and its length. */
    public static String clip(Object text, int max) {
        String s = String.valueOf(text);
        return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " characters)";
    }
}
