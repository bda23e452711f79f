package dev.glimpse.ingest;

import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.types.PixelFormat;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Decodes a whole file the way the pipeline does (FFmpeg decoder with N threads, swscale straight into a pooled
 * direct buffer in the pipeline's pixel format), with no pacing and no delivery: the ingest side of
 * {@code glimpse bench ingest}.
 */
public final class DecodeBenchmark {
  private DecodeBenchmark() {}

  /**
   * One run.
   *
   * @param frames      frames decoded
   * @param openSeconds opening the file (demuxer probe, decoder open)
   * @param seconds     decoding all frames, open excluded (as {@code ffmpeg -benchmark}'s rtime)
   * @param info        what was decoded
   */
  public record Result(long frames, double openSeconds, double seconds, SourceInfo info) {
    public double fps() { return frames / seconds; }
  }

  /**
   * Decodes {@code file} once with {@code threads} decoder threads (0 = one per core) into {@code format}; with
   * {@code convert} false, frames stay in the decoder's format (what {@code ffmpeg -f null} does).
   */
  public static Result decodeFile(Path file, PixelFormat format, int threads, boolean convert) throws SourceException {
    SourceUrl url = SourceSpec.parseUrl(file.toString());
    SourceSpec spec = new SourceSpec(url, StreamConfig.Transport.TCP, format, 0, 0, Duration.ofSeconds(10), threads,
        IngestOptions.DEFAULT_IMAGE_FPS, false);
    long t0 = System.nanoTime();
    try (FfmpegSource source = FfmpegSource.open(spec)) {
      long t1 = System.nanoTime();
      ByteBuffer buf = ByteBuffer.allocateDirect(source.info().frameBytes());
      long frames = 0;
      if (convert) {
        while (source.next(buf) != null) frames++;
      } else {
        while (source.decodeOnly()) frames++;
      }
      long t2 = System.nanoTime();
      return new Result(frames, (t1 - t0) / 1e9, (t2 - t1) / 1e9, source.info());
    }
  }
}
