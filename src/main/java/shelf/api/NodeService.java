package shelf.api;

import java.rmi.Remote;
import java.rmi.RemoteException;
import shelf.protocol.Batch;
import shelf.protocol.Message;

/**
 * The peer protocol, called by other nodes only (their transport's sender threads). Every method is one-way: it hands
 * the message to the node's protocol thread and returns without waiting for it, so two nodes calling each other can
 * never deadlock. An answer is a call in the other direction, except what {@link #deliver} returns. There is one
 * method per message type, by which a message sent alone travels, and {@link #deliver} for several that queued up
 * together, and for a lock request or grant (whose answer may come back in its reply: the grant, or the holder's
 * release and next request).
 */
public interface NodeService extends Remote {
    String NAME = "NodeService";

    void election(Message.Election m) throws RemoteException;

    void ok(Message.Ok m) throws RemoteException;

    void coordinator(Message.Coordinator m) throws RemoteException;

    void heartbeat(Message.Heartbeat m) throws RemoteException;

    void heartbeatAck(Message.HeartbeatAck m) throws RemoteException;

    void stale(Message.Stale m) throws RemoteException;

    void requestLock(Message.LockRequest m) throws RemoteException;

    void grantLock(Message.LockGrant m) throws RemoteException;

    void releaseLock(Message.LockRelease m) throws RemoteException;

    void renewLease(Message.LeaseRenewal m) throws RemoteException;

    void queryLockState(Message.LockStateQuery m) throws RemoteException;

    void reportLockState(Message.LockStateReport m) throws RemoteException;

    /**
     * Several messages in the order they were sent, as if by the calls above one after another.
     *
     * @return the messages the receiver addressed to the caller while it handled the batch on the calling thread (it was
     *     idle): the grant of a lock request that found the lock free, say; usually none. Anything the receiver answers
     *     later comes by a call of its own, as before. The caller hands them to its protocol as if received.
     */
    Batch deliver(Batch batch) throws RemoteException;

    /** The sender's configuration fingerprint, to warn about nodes started with different files. */
    String membership() throws RemoteException;
}
