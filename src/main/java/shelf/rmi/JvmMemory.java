package shelf.rmi;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;
import java.util.TreeMap;

/** The node JVM's heap, for status: used now, the peak since start, and the maximum. */
final class JvmMemory {
    private JvmMemory() {
    }

    static Map<String, Long> counters() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        Map<String, Long> m = new TreeMap<>();
        m.put("jvm.heap.used-bytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        m.put("jvm.heap.peak-bytes", peak);
        m.put("jvm.heap.max-bytes", Runtime.getRuntime().maxMemory());
        return m;
    }
}
