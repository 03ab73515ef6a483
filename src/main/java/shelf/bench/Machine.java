package shelf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the figures were measured on: printed with every benchmark.
 *
 * @param idle how the kernel idles a core (Linux's cpuidle driver, and the guest's halt-poll window where the
 *             {@code haltpoll} driver runs): on a virtual machine whose idle cores halt at once, every thread
 *             wake-up costs a trip through the hypervisor, which can make the lock figures four times slower
 */
public record Machine(int cores, String cpu, String jvm, String os, String idle) {

    public static Machine current() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        return new Machine(Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("java.vm.name") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), idleState());
    }

    private static String idleState() {
        String driver = firstLine(Path.of("/sys/devices/system/cpu/cpuidle/current_driver"));
        if (driver == null) {
            return "unknown";
        }
        String pollNs = firstLine(Path.of("/sys/module/haltpoll/parameters/guest_halt_poll_ns"));
        return "cpuidle " + driver + (pollNs == null ? "" : ", guest_halt_poll_ns=" + pollNs);
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::strip).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Peak resident memory of a process (VmHWM), in bytes, or -1 where /proc does not tell. */
    public static long peakResidentBytes(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmHWM:")).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong)
                    .findFirst().orElse(-1) * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return cores + " cores, " + cpu + ", " + jvm + ", " + os + ", " + idle;
    }
}
