package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code shelf.jar}'s model: the command a command line names, alone; every command otherwise; the same help either way. */
class ShelfCommandTest {
    private static final List<String> EVERY = List.of("init", "node", "client", "admin", "cluster", "demo", "users", "certs",
            "store", "dashboard", "bench", "timeline", "chaos");

    private static List<String> names(CommandLine line) {
        return List.copyOf(line.getSubcommands().keySet());
    }

    private static String help(CommandLine line) {
        return line.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void aCommandLineThatNamesACommandGetsThatCommandAlone() {
        assertEquals(List.of("admin"), names(ShelfCommand.commandLine("admin", "-n", "1", "status")));
        assertEquals(List.of("cluster"), names(ShelfCommand.commandLine("cluster")));
    }

    @Test
    void otherwiseEveryCommandInTheUsagesOrder() {
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"admn", "status"},
                new String[] {"-V"})) {
            assertEquals(EVERY, names(ShelfCommand.commandLine(args)), List.of(args).toString());
        }
    }

    @Test
    void eachCommandIsTypedWithItsOwnNameAndHelpsAsItDoesAmongTheOthers() {
        Map<String, CommandLine> all = ShelfCommand.commandLine().getSubcommands();
        for (String name : EVERY) {
            CommandLine among = all.get(name);
            CommandLine alone = ShelfCommand.commandLine(name).getSubcommands().get(name);
            assertEquals(name, new CommandLine(among.getCommandSpec().userObject()).getCommandName(), "its @Command name");
            assertEquals(help(among), help(alone), name);
            for (CommandLine sub : among.getSubcommands().values()) {
                String subName = sub.getCommandName();
                assertEquals(help(sub), help(alone.getSubcommands().get(subName)), name + " " + subName);
            }
        }
    }
}
