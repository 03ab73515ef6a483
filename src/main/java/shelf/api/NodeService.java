package shelf.api;

import java.rmi.Remote;
import java.rmi.RemoteException;
import shelf.protocol.Message;

/**
 * The peer protocol, called by other nodes only (their transport's sender threads). Every method is one-way: it hands
 * the message to the node's protocol thread and returns at once, so two nodes calling each other can never deadlock.
 * An answer, if any, is a call in the other direction. There is one method per message type, by which a message sent
 * alone travels, and {@link #deliver} for several that queued up together.
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

    /** Several messages in the order they were sent, as if by the calls above one after another. */
    void deliver(Message[] batch) throws RemoteException;

    /** The sender's configuration fingerprint, to warn about nodes started with different files. */
    String membership() throws RemoteException;
}
