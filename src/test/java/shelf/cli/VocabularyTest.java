package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import shelf.util.VersionProvider;

/**
 * One vocabulary (issue 15, item 9), checked over every command the jar has (walked with picocli's own model, so a
 * command added later is checked too): each has {@code --version}, which prints the pom's version; each summary (the
 * first line of its description, what a parent's command list shows) is a whole sentence; each subcommand and each
 * visible option is in README.md.
 */
class VocabularyTest {
    private static List<CommandLine> everyCommand() {
        List<CommandLine> all = new ArrayList<>();
        walk(ShelfCommand.commandLine(), all);
        return all;
    }

    private static void walk(CommandLine line, List<CommandLine> all) {
        all.add(line);
        line.getSubcommands().values().forEach(sub -> walk(sub, all));
    }

    /** The words after {@code shelf.jar}: {@code admin status}. */
    private static String path(CommandSpec spec) {
        return spec.qualifiedName(" ").substring(ShelfCommand.NAME.length()).strip();
    }

    @Test
    void theVersionIsThePomsOnEveryCommand() {
        String version = VersionProvider.version();
        assertNotEquals("unknown", version);
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
        for (CommandLine line : everyCommand()) {
            List<String> args = new ArrayList<>(List.of(path(line.getCommandSpec()).split(" ")));
            args.removeIf(String::isEmpty);
            args.add("--version");
            CommandLine root = ShelfCommand.commandLine(args.toArray(String[]::new));
            StringWriter out = new StringWriter();
            root.setOut(new PrintWriter(out));
            int code = root.execute(args.toArray(String[]::new));
            assertEquals(0, code, "exit code of " + args);
            assertTrue(out.toString().startsWith("Shelf " + version + " on Java "), args + " printed: " + out);
        }
    }

    @Test
    void everySummaryIsAWholeSentence() {
        List<String> cut = new ArrayList<>();
        for (CommandLine line : everyCommand()) {
            String[] description = line.getCommandSpec().usageMessage().description();
            if (description.length == 0 || !description[0].strip().matches("(?s).*[.!?)]")) {
                cut.add(path(line.getCommandSpec()) + ": " + (description.length == 0 ? "(none)" : description[0]));
            }
            // What a user reads: the summary of each subcommand in its parent's command list, as picocli prints it.
            summaries(line).forEach((name, summary) -> {
                if (!summary.matches("(?s).*[.!?)]")) {
                    cut.add(path(line.getCommandSpec()) + " " + name + " (listed): " + summary);
                }
            });
        }
        assertEquals(List.of(), cut, "summaries that are not a whole sentence");
    }

    /** The command list of {@code line}'s usage help: each subcommand's name and the summary printed beside it. */
    private static java.util.Map<String, String> summaries(CommandLine line) {
        java.util.Map<String, String> rows = new java.util.LinkedHashMap<>();
        String usage = line.getUsageMessage(CommandLine.Help.Ansi.OFF);
        int commands = usage.indexOf("Commands:");
        if (commands < 0) {
            return rows;
        }
        String current = null;
        for (String row : usage.substring(commands).lines().skip(1).toList()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^  (\\S+)\\s+(.*)$").matcher(row);
            if (m.matches()) {
                current = m.group(1);
                rows.put(current, m.group(2).strip());
            } else if (current != null && row.startsWith("    ") && !row.isBlank()) {
                rows.merge(current, row.strip(), (a, b) -> a + " " + b);
            } else {
                current = null;
            }
        }
        return rows;
    }

    @Test
    void everySubcommandAndOptionIsInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = new ArrayList<>();
        for (CommandLine line : everyCommand()) {
            CommandSpec spec = line.getCommandSpec();
            String path = path(spec);
            if (!path.isEmpty() && !readme.contains(path)) {
                missing.add("subcommand '" + path + "'");
            }
            for (OptionSpec option : spec.options()) {
                boolean standard = option.usageHelp() || option.versionHelp(); // the README says once: on every command
                if (!option.hidden() && !standard && !readme.contains(option.longestName())) {
                    missing.add((path.isEmpty() ? ShelfCommand.NAME : path) + " " + option.longestName());
                }
            }
        }
        assertTrue(readme.contains("--help") && readme.contains("--version"), "README.md names --help and --version");
        assertEquals(List.of(), missing, "not in README.md");
    }
}
