package dev.glimpse.agent.pipeline;

import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.KvStats;
import java.util.Map;

/**
 * What the engine made of one frame: the answers of the standing queries due on it (by query text) and timings.
 *
 * @param sequence  the frame's sequence number in its stream (0-based)
 * @param ptsMicros the frame's presentation time (or the stream clock) in microseconds
 * @param width     source width in pixels
 * @param height    source height in pixels
 * @param answers   answers of the queries asked on this frame, by canonical query text (empty: none due)
 * @param encodeMs  vision encode + context prefill, milliseconds
 * @param queryMs   decode time per asked query, milliseconds
 * @param kv        the context after the frame
 * @param rgb       the frame's pixels as the engine saw them, packed RGB [height, width, 3], or null when not kept.
 *                  Shared, not copied (the engine made it for this frame and no one writes to it after): read only.
 * @param decodedNanos when ingest decoded the frame, on the process's monotonic clock ({@code System.nanoTime}, as
 *                  {@code Frame.monotonicNanos}): the start of the frame's end-to-end latency
 */
public record FrameResult(long sequence, long ptsMicros, int width, int height, Map<String, Answer> answers,
    double encodeMs, Map<String, Double> queryMs, KvStats kv, byte[] rgb, long decodedNanos) {
  public FrameResult {
    answers = Map.copyOf(answers);
    queryMs = Map.copyOf(queryMs);
    if (rgb != null && rgb.length != 3 * width * height) {
      throw new IllegalArgumentException("rgb holds " + rgb.length + " bytes, not " + width + "x" + height + "x3");
    }
  }

  /** A result without pixels, decoded at time 0 (tests). */
  public FrameResult(long sequence, long ptsMicros, int width, int height, Map<String, Answer> answers,
      double encodeMs, Map<String, Double> queryMs, KvStats kv) {
    this(sequence, ptsMicros, width, height, answers, encodeMs, queryMs, kv, null, 0);
  }
}
