package dev.glimpse.ingest;

import java.nio.ByteBuffer;

/**
 * One open session with a source: a file being read, an RTSP session, a simulator run. Opened by a
 * {@link SourceOpener}, used by one grab thread only, closed once. Blocking calls happen here and nowhere near the
 * event loop.
 *
 * <p>Pixels are written straight into the caller's buffer (a pooled direct buffer): the decoder's picture is
 * converted (and resized) into it by swscale, so a frame is touched once between decoder and pipeline.
 */
public interface FrameSource extends AutoCloseable {
  /** What this session delivers; fixed for the session. */
  SourceInfo info();

  /**
   * Decodes the next frame into {@code dst} (position 0, at least {@code info().frameBytes()} bytes, packed rows).
   * Blocks until a frame is decoded, the source ends, or (network sources) the socket timeout passes.
   *
   * @return the frame's timing and damage, or null at the end of the stream (end of file; for a network source,
   *     the server closed the session or stopped answering)
   * @throws SourceException when reading fails in a way that ends this session
   */
  Decoded next(ByteBuffer dst) throws SourceException;

  /** Releases the session's native resources. Never throws. */
  @Override
  void close();

  /**
   * A frame written into the caller's buffer.
   *
   * @param ptsMicros presentation time in the source's timeline, µs; {@code Frame.NO_PTS} if unknown
   * @param corrupt   frames lost or damaged since the previous one, this one included if it is damaged
   * @param skip      true when this frame is damaged and should not be delivered (it is already in
   *                  {@code corrupt})
   */
  record Decoded(long ptsMicros, int corrupt, boolean skip) {}
}
