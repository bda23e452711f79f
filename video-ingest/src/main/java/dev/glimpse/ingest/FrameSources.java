package dev.glimpse.ingest;

/** The real {@link SourceOpener}: picks the implementation for each kind of source. */
public final class FrameSources {
  private FrameSources() {}

  /** Opens a session with the source the spec names. */
  public static FrameSource open(SourceSpec spec) throws SourceException {
    return switch (spec.kind()) {
      case FILE -> Y4mSource.is(java.nio.file.Path.of(spec.url().location())) ? Y4mSource.open(spec) : FfmpegSource.open(spec);
      case RTSP, RTSPS, HTTP, HTTPS, V4L2 -> FfmpegSource.open(spec);
      case IMAGES -> ImageFolderSource.open(spec);
      case SIM -> SimSource.open(spec);
    };
  }
}
