package dev.glimpse.agent.reliability;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this process holds at one moment: memory, threads and file descriptors, read from {@code /proc/self} and
 * the JVM's management beans.
 *
 * @param seconds     when, in seconds since the run started
 * @param rssBytes    resident set size ({@code VmRSS} of {@code /proc/self/status}): Java heap pages in use,
 *                    metaspace, JIT code, thread stacks and every native allocation (FFmpeg's buffers, the model)
 * @param heapBytes   Java heap in use; right after a full GC when {@code afterGc}, else whatever it is (garbage
 *                    included)
 * @param heapCommittedBytes Java heap the JVM has reserved from the OS; RSS counts the part of it that was ever
 *                    touched, so a heap that grows towards {@code -Xmx} raises RSS without any leak
 * @param afterGc     whether a full GC ran just before this sample ({@code System.gc()}), so that heapBytes is
 *                    the live heap
 * @param javaThreads live Java threads
 * @param osThreads   OS threads of the process ({@code /proc/self/task}): Java threads, JVM-internal ones (GC,
 *                    JIT) and native ones (FFmpeg decoder threads)
 * @param fds         open file descriptors ({@code /proc/self/fd}): files, sockets, pipes
 */
public record ResourceSample(double seconds, long rssBytes, long heapBytes, long heapCommittedBytes, boolean afterGc,
    int javaThreads, int osThreads, int fds) {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final double MIB = 1024.0 * 1024.0;

  /** Samples now; with {@code fullGc}, after a full collection (a pause of tens of ms). */
  public static ResourceSample take(double seconds, boolean fullGc) throws IOException {
    if (fullGc) System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    int java = ManagementFactory.getThreadMXBean().getThreadCount();
    return new ResourceSample(seconds, vmRss(), heap.getUsed(), heap.getCommitted(), fullGc, java,
        count(Path.of("/proc/self/task")), count(Path.of("/proc/self/fd")));
  }

  public double rssMiB() { return rssBytes / MIB; }

  public double heapMiB() { return heapBytes / MIB; }

  public double heapCommittedMiB() { return heapCommittedBytes / MIB; }

  /**
   * The JVM's heap limit, whether the heap was pre-touched ({@code -XX:+AlwaysPreTouch}: every heap page resident
   * from the start, so that later RSS growth is native memory, metaspace or JIT code and not the heap being used
   * for the first time) and the collectors, for reports.
   */
  public static String jvmMemory() {
    long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    boolean preTouched = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch");
    return String.format(java.util.Locale.ROOT, "max heap %.0f MiB%s, GC %s", max / MIB,
        preTouched ? " (pre-touched: RSS changes are outside the heap)" : " (not pre-touched: RSS rises as the heap is first used)",
        String.join(" + ", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList()));
  }

  private static long vmRss() throws IOException {
    for (String line : Files.readAllLines(STATUS)) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // "VmRSS:  123 kB"
    }
    throw new IOException("no VmRSS in " + STATUS);
  }

  private static int count(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return (int) s.count();
    }
  }
}
