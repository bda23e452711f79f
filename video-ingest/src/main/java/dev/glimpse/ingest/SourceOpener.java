package dev.glimpse.ingest;

/** Opens sessions; {@link FrameSources#open} is the real one, tests inject fakes. */
@FunctionalInterface
public interface SourceOpener {
  /**
   * Opens a session. Blocks while connecting (bounded by the spec's socket timeout for network sources).
   *
   * @throws SourceException naming the source; {@link SourceException#permanent()} says whether to give up
   */
  FrameSource open(SourceSpec spec) throws SourceException;
}
