package shelf.election;

/**
 * Where a node keeps the highest epoch it has seen, so a restart never reuses one.
 * Called on the protocol thread; {@link #save} is durable when it returns.
 */
public interface EpochStore {
    long load();

    void save(long epoch);

    /** For the simulation and tests: an epoch store that forgets nothing while the object lives. */
    final class InMemory implements EpochStore {
        private long epoch;

        @Override
        public long load() {
            return epoch;
        }

        @Override
        public void save(long value) {
            epoch = value;
        }
    }
}
