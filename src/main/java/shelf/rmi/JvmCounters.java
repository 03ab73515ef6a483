package shelf.rmi;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JVM's own counters, for status and the benchmarks: the heap (used now, the peak since start, the maximum),
 * the time the JIT compilers have spent so far (a node is warm when it stops growing), and the collections.
 */
public final class JvmCounters {
    private JvmCounters() {
    }

    /** Total milliseconds of JIT compilation since the JVM started, or 0 where the JVM does not tell. */
    public static long compileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    static Map<String, Long> counters() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        long collections = 0;
        long collectionMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, gc.getCollectionCount());
            collectionMillis += Math.max(0, gc.getCollectionTime());
        }
        Map<String, Long> m = new TreeMap<>();
        m.put("jvm.heap.used-bytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        m.put("jvm.heap.peak-bytes", peak);
        m.put("jvm.heap.max-bytes", Runtime.getRuntime().maxMemory());
        m.put("jvm.jit.compile-ms", compileMillis());
        m.put("jvm.gc.collections", collections);
        m.put("jvm.gc.ms", collectionMillis);
        return m;
    }
}
