package dev.glimpse.ros.dds;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One thread per participant that waits on a Cyclone waitset and, when an attached reader or writer has a status
 * to report (data, a match, incompatible QoS), calls it on this thread. Application callbacks therefore run here,
 * never on Cyclone's own receive threads; they should hand work off quickly.
 *
 * <p>Stopped by triggering a guard condition, so no polling and no timeouts while idle.
 */
final class ReceiveLoop implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ReceiveLoop.class.getName());
  /** Samples taken per {@code dds_takecdr} call. */
  static final int TAKE_BATCH = 16;
  private static final int MAX_TRIGGERS = 64;

  /** Something attached to the waitset: reacts to its own statuses. */
  interface Triggered {
    void onTriggered(Buffers buffers);
  }

  /** Native scratch space for taking samples, owned by the loop thread. */
  record Buffers(MemorySegment serdatas, MemorySegment infos, MemorySegment iov) {}

  private final Ddsc dds;
  private final int waitset;
  private final int guard;
  private final Map<Long, Triggered> attached = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean stopping;

  ReceiveLoop(Ddsc dds, int participant, String name) {
    this.dds = dds;
    try {
      this.waitset = dds.check((int) dds.createWaitset.invokeExact(participant), "dds_create_waitset");
      this.guard = dds.check((int) dds.createGuardcondition.invokeExact(participant), "dds_create_guardcondition");
      dds.check((int) dds.waitsetAttach.invokeExact(waitset, guard, (long) guard), "dds_waitset_attach(guard)");
    } catch (DdsException e) {
      throw e;
    } catch (Throwable t) {
      throw new DdsException("waitset set-up failed: " + t);
    }
    thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Attaches {@code entity}, reporting the statuses in {@code mask} to {@code target}. */
  void attach(int entity, int mask, Triggered target) {
    attached.put((long) entity, target);
    try {
      dds.check((int) dds.setStatusMask.invokeExact(entity, mask), "dds_set_status_mask");
      dds.check((int) dds.waitsetAttach.invokeExact(waitset, entity, (long) entity), "dds_waitset_attach");
    } catch (DdsException e) {
      attached.remove((long) entity);
      throw e;
    } catch (Throwable t) {
      attached.remove((long) entity);
      throw new DdsException("dds_waitset_attach failed: " + t);
    }
  }

  /** Stops reporting for {@code entity}; deleting the entity detaches it from the waitset. */
  void forget(int entity) {
    attached.remove((long) entity);
  }

  boolean isLoopThread() {
    return Thread.currentThread() == thread;
  }

  private void run() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment xs = arena.allocate(JAVA_LONG, MAX_TRIGGERS);
      Buffers buffers = new Buffers(arena.allocate(ADDRESS, TAKE_BATCH),
          arena.allocate(Ddsc.SAMPLE_INFO_SIZE * TAKE_BATCH, 8), arena.allocate(Ddsc.IOVEC));
      while (!stopping) {
        int n;
        try {
          n = (int) dds.waitsetWait.invokeExact(waitset, xs, (long) MAX_TRIGGERS, Ddsc.INFINITY);
        } catch (Throwable t) {
          LOG.log(System.Logger.Level.ERROR, "dds_waitset_wait threw; receive loop stops", t);
          return;
        }
        if (n < 0) {
          if (!stopping) LOG.log(System.Logger.Level.ERROR, "dds_waitset_wait: " + dds.describe(n) + "; loop stops");
          return;
        }
        for (int i = 0; i < Math.min(n, MAX_TRIGGERS) && !stopping; i++) {
          Triggered t = attached.get(xs.getAtIndex(JAVA_LONG, i));
          if (t == null) continue;
          try {
            t.onTriggered(buffers);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "status handling failed; carrying on", e);
          }
        }
      }
    }
  }

  /** Wakes the thread through the guard condition and waits for it to finish (at most 5 s). */
  @Override
  public void close() {
    stopping = true;
    try {
      int rc = (int) dds.setGuardcondition.invokeExact(guard, true);
      if (rc < 0) LOG.log(System.Logger.Level.WARNING, "dds_set_guardcondition: " + dds.describe(rc));
      if (thread.isAlive() && !isLoopThread()) thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "stopping the receive loop failed", t);
    }
    if (thread.isAlive() && !isLoopThread()) LOG.log(System.Logger.Level.WARNING, thread.getName() + " did not stop in 5 s");
  }
}
