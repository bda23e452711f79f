package dev.glimpse.ingest;

import dev.glimpse.types.PixelFormat;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted in-memory source for state-machine tests: frames are 4×2 GRAY8 images whose first byte is the frame's
 * index in its session. Each session's behaviour comes from a {@link Script}.
 */
final class FakeSource implements FrameSource {
  /** What a session does on its {@code i}-th call to next (0-based): a frame, the end, or a failure. */
  interface Script {
    FrameSource.Decoded next(int i, ByteBuffer dst) throws SourceException;
  }

  static final SourceInfo INFO = new SourceInfo("fake", "fake", 4, 2, PixelFormat.GRAY8, 30, -1, 4, 2);

  private final Script script;
  private final AtomicLong closed;
  private int calls;

  FakeSource(Script script, AtomicLong closed) {
    this.script = script;
    this.closed = closed;
  }

  /** A frame with index {@code i} at 30 fps. */
  static FrameSource.Decoded frame(int i, ByteBuffer dst) {
    dst.put(0, (byte) i);
    return new FrameSource.Decoded(i * 33_333L, 0, false);
  }

  @Override
  public SourceInfo info() { return INFO; }

  @Override
  public Decoded next(ByteBuffer dst) throws SourceException { return script.next(calls++, dst); }

  @Override
  public void close() { closed.incrementAndGet(); }
}
