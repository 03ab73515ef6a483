package shelf.node;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.LibraryStore;
import shelf.library.StaleTokenException;
import shelf.library.StoreException;

/**
 * Applies batches to a {@link LibraryStore} on the node's own writer thread, one batch at a time: appends,
 * tells the listener (which lets the cluster lock go), then fsyncs and tells it again (which answers the clients).
 * {@link #write} is called by the node's {@link WritePipeline} on the protocol thread and returns at once; the
 * listener is called on the writer thread. Built and closed by the composition root.
 */
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
    public void write(FencingToken token, List<Command> batch, Listener listener) {
        thread.execute(() -> {
            Result result;
            try {
                result = new Result.Applied(store.append(token, nodeId, batch));
            } catch (StaleTokenException e) {
                result = new Result.Fenced(e.offered(), e.highest());
            } catch (StoreException | RuntimeException e) {
                result = new Result.Failed(e.getMessage());
            }
            listener.appended(result);
            if (result instanceof Result.Applied) {
                try {
                    store.sync(); // also when every command was refused: a refusal may rest on another holder's append
                    listener.durable();
                } catch (StoreException | RuntimeException e) {
                    listener.notDurable(e.getMessage());
                }
            }
        });
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
