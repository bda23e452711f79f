package dev.glimpse.ingest;

import dev.glimpse.types.PixelFormat;
import java.util.Objects;

/**
 * Ingest settings that are not per stream in the YAML ({@code StreamConfig} holds those): the pixel format the
 * pipeline wants and how hard decoding may work.
 *
 * @param format        pixel layout of delivered frames. RGB24 is what the encoder takes; GRAY8 costs a third of
 *                      the memory and conversion time but loses colour queries ("red cone").
 * @param decodeThreads FFmpeg decoder threads per stream, 0 = one per core. More threads raise the decode rate of
 *                      one stream but add a frame of latency per thread (frame threading); with many cameras,
 *                      1–2 per stream shares the cores better.
 * @param imageFps      frames per second at which an {@code images://} folder is replayed (images carry no time).
 * @param dropConcealed whether frames the decoder had to conceal errors in are dropped (and counted as corrupt)
 *                      instead of delivered. Dropping keeps smeared blocks away from the model but leaves a gap the
 *                      tracker must coast through; by default they are delivered and counted.
 */
public record IngestOptions(PixelFormat format, int decodeThreads, double imageFps, boolean dropConcealed) {
  public static final PixelFormat DEFAULT_FORMAT = PixelFormat.RGB24;
  public static final int DEFAULT_DECODE_THREADS = 0;
  public static final double DEFAULT_IMAGE_FPS = 30;
  public static final boolean DEFAULT_DROP_CONCEALED = false;

  public IngestOptions {
    Objects.requireNonNull(format, "format");
    if (decodeThreads < 0 || decodeThreads > 64) throw new IllegalArgumentException("decodeThreads must be in 0..64, got " + decodeThreads);
    if (!(imageFps > 0 && imageFps <= 1000)) throw new IllegalArgumentException("imageFps must be in (0, 1000], got " + imageFps);
  }

  public static IngestOptions defaults() {
    return new IngestOptions(DEFAULT_FORMAT, DEFAULT_DECODE_THREADS, DEFAULT_IMAGE_FPS, DEFAULT_DROP_CONCEALED);
  }

  public IngestOptions withFormat(PixelFormat f) { return new IngestOptions(f, decodeThreads, imageFps, dropConcealed); }

  public IngestOptions withDecodeThreads(int n) { return new IngestOptions(format, n, imageFps, dropConcealed); }
}
