package dev.glimpse.ingest;

import java.io.IOException;

/**
 * A source could not be opened or read. The message always starts with the source (as written by the user, any
 * password redacted), then says what went wrong and, where we know, what to do.
 */
public final class SourceException extends IOException {
  private final String source;
  private final boolean permanent;

  /**
   * @param source    the source as the user wrote it, password redacted
   * @param reason    what went wrong, in the user's terms
   * @param permanent true when retrying cannot help (missing file, unsupported codec); false for outages
   * @param cause     the underlying exception, or null
   */
  public SourceException(String source, String reason, boolean permanent, Throwable cause) {
    super(source + ": " + reason, cause);
    this.source = source;
    this.permanent = permanent;
  }

  public SourceException(String source, String reason, boolean permanent) { this(source, reason, permanent, null); }

  /** The source, password redacted. */
  public String source() { return source; }

  /** Whether retrying cannot help: the stream fails instead of reconnecting. */
  public boolean permanent() { return permanent; }

  /** The reason without the source prefix. */
  public String reason() { return getMessage().substring(source.length() + 2); }
}
