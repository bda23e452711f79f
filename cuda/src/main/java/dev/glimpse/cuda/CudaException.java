package dev.glimpse.cuda;

/**
 * A CUDA driver, NVRTC or cuBLAS(Lt) call that did not succeed, or a CUDA library or symbol that is not there. The
 * message names the call, the status code and its name and description as the library reports them (for example
 * {@code cuMemAlloc_v2(…) failed: 2 CUDA_ERROR_OUT_OF_MEMORY (out of memory)}).
 */
public final class CudaException extends RuntimeException {
  private final String call;
  private final int status;

  public CudaException(String call, int status, String message) {
    super(message);
    this.call = call;
    this.status = status;
  }

  public CudaException(String message) { this(null, 0, message); }

  public CudaException(String message, Throwable cause) {
    super(message, cause);
    this.call = null;
    this.status = 0;
  }

  /** The failing entry point, or null when the problem is not one call's status. */
  public String call() { return call; }

  /** The library's status code (0 when not a call's status). */
  public int status() { return status; }
}
