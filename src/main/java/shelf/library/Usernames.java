package shelf.library;

import java.util.regex.Pattern;
import shelf.util.Texts;

/** The rule for user names: 1-64 letters, digits, '.', '_' or '-'. */
public final class Usernames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Usernames() {
    }

    public static boolean isValid(String name) {
        return name != null && name.length() <= 64 && VALID.matcher(name).matches();
    }

    /** Returns the name, or throws with a message that says what is allowed. */
    public static String check(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("invalid user name '" + Texts.quoted(name)
                    + "': use 1-64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }
}
