package shelf.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latency figures of one measured run, in milliseconds.
 *
 * @param perSecond operations completed per second of wall time
 */
public record Stats(int count, double seconds, double perSecond, double p50, double p99, double p999, double max) {

    /** From per-operation latencies in nanoseconds and the run's wall time. */
    public static Stats of(long[] latencyNanos, double wallSeconds) {
        if (latencyNanos.length == 0) {
            return new Stats(0, wallSeconds, 0, 0, 0, 0, 0);
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        return new Stats(sorted.length, wallSeconds, sorted.length / wallSeconds, ms(at(sorted, 0.50)), ms(at(sorted, 0.99)),
                ms(at(sorted, 0.999)), ms(sorted[sorted.length - 1]));
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** The median of several runs' figures, field by field (runs on a noisy machine). */
    public static Stats median(java.util.List<Stats> runs) {
        return new Stats((int) Math.round(med(runs, Stats::count)), med(runs, Stats::seconds), med(runs, Stats::perSecond),
                med(runs, Stats::p50), med(runs, Stats::p99), med(runs, Stats::p999), med(runs, Stats::max));
    }

    private static double med(java.util.List<Stats> runs, java.util.function.ToDoubleFunction<Stats> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    @Override
    public String toString() {
        return String.format(Locale.US, "%,8.0f/s  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %7.3f ms  (%d in %.2f s)",
                perSecond, p50, p99, p999, max, count, seconds);
    }
}
