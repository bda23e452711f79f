package dev.glimpse.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A captured and instantiated CUDA graph (stream capture, NVIDIA CUDA Programming Guide "CUDA Graphs"): one launch
 * replays every kernel, GEMM and copy recorded on the stream, with their arguments and addresses as captured.
 */
public final class CudaGraph implements AutoCloseable {
  private final Driver driver;
  private final MemorySegment graph;
  private final MemorySegment exec;
  private boolean closed;

  private CudaGraph(Driver driver, MemorySegment graph, MemorySegment exec) {
    this.driver = driver;
    this.graph = graph;
    this.exec = exec;
  }

  /**
   * Runs {@code body} with the stream in capture mode and instantiates what it enqueued. If the body or the capture
   * fails, the capture is ended (so the stream is usable again) and the failure is thrown.
   */
  public static CudaGraph capture(Driver driver, MemorySegment stream, Runnable body) {
    driver.beginCapture(stream, Driver.CAPTURE_THREAD_LOCAL);
    MemorySegment graph;
    try {
      body.run();
    } catch (RuntimeException e) {
      try {
        MemorySegment partial = driver.endCapture(stream);
        if (!partial.equals(MemorySegment.NULL)) driver.graphDestroy(partial);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    graph = driver.endCapture(stream);
    try {
      return new CudaGraph(driver, graph, driver.instantiate(graph));
    } catch (RuntimeException e) {
      driver.graphDestroy(graph);
      throw e;
    }
  }

  /** Enqueues one replay on {@code stream}. */
  public void launch(MemorySegment stream) { driver.graphLaunch(exec, stream); }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    driver.graphExecDestroy(exec);
    driver.graphDestroy(graph);
  }
}
