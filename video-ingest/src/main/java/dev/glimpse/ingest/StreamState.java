package dev.glimpse.ingest;

/**
 * Where a stream is in its life. Every change is published as a {@link StreamEvent}.
 *
 * <pre>
 *   CONNECTING ─first frame─▶ STREAMING ─end of file─▶ ENDED
 *       │                       │   ▲
 *       │                  slow grab │ first frame
 *       │                       ▼   │
 *       │                    STALLED ─▶ RECONNECTING ◀─ server gone / open failed (live sources)
 *       └── permanent error (missing file, unsupported codec, ...) ─▶ FAILED
 * </pre>
 */
public enum StreamState {
  /** Opening the source for the first time. */
  CONNECTING,
  /** Frames are arriving. */
  STREAMING,
  /** A grab took longer than the stall timeout (a frozen server or camera); the session is being closed. */
  STALLED,
  /** Waiting out the backoff, then opening the source again; repeats until it works or the stream is closed. */
  RECONNECTING,
  /** A permanent error: retrying cannot help. Terminal. */
  FAILED,
  /** The source ended (end of file, simulator frame limit) or the stream was closed. Terminal. */
  ENDED;

  /** Whether no more frames or events follow. */
  public boolean isTerminal() { return this == FAILED || this == ENDED; }
}
