package shelf.node;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import shelf.library.Command;
import shelf.library.FencingToken;
import shelf.library.LibraryStore;
import shelf.library.StaleTokenException;
import shelf.library.StoreException;

/** Applies batches to a {@link LibraryStore} on the node's own writer thread, one batch at a time. */
public final class StoreWriter implements LibraryWriter, AutoCloseable {
    private final LibraryStore store;
    private final int nodeId;
    private final ExecutorService thread;

    public StoreWriter(LibraryStore store, int nodeId) {
        this.store = store;
        this.nodeId = nodeId;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "node-" + nodeId + "-writer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void write(FencingToken token, List<Command> batch, Consumer<Result> done) {
        thread.execute(() -> {
            Result result;
            try {
                result = new Result.Applied(store.apply(token, nodeId, batch));
            } catch (StaleTokenException e) {
                result = new Result.Fenced(e.getMessage());
            } catch (StoreException | RuntimeException e) {
                result = new Result.Failed(e.getMessage());
            }
            done.accept(result);
        });
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
