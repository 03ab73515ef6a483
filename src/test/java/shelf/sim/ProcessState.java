package shelf.sim;

/** A simulated node process as the network and the other nodes experience it. */
enum ProcessState {
    /** Running: it receives messages and runs its timers. */
    UP,
    /** Stopped (SIGSTOP): calls to it time out; its timers and some messages run, late, when it resumes. */
    PAUSED,
    /** Gone: calls to it are refused at once; a restart is a new process with its persisted epoch. */
    CRASHED
}
