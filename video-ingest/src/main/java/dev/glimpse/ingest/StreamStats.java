package dev.glimpse.ingest;

/**
 * Counters of one stream, taken at one moment. After the stream ends, {@code frames = delivered + drops +
 * discarded} (discarded: frames still queued when the stream was closed).
 *
 * @param frames     frames decoded and put into the mailbox
 * @param delivered  frames handed to the consumer
 * @param drops      frames dropped by the {@code latest} mailbox because a newer one arrived
 * @param corrupt    frames the decoder concealed errors in, or lost to bad packets (counted from timestamp gaps
 *                   in constant-frame-rate streams), and images that could not be decoded
 * @param reconnects reopen attempts after an outage or stall (a loop of a replayed file is not one)
 * @param stalls     grabs slower than the stall timeout
 * @param discarded  frames closed unread when the stream was closed
 */
public record StreamStats(long frames, long delivered, long drops, long corrupt, long reconnects, long stalls,
                          long discarded) {
  @Override
  public String toString() {
    return "frames=" + frames + " delivered=" + delivered + " drops=" + drops + " corrupt=" + corrupt
        + " reconnects=" + reconnects + " stalls=" + stalls + (discarded > 0 ? " discarded=" + discarded : "");
  }
}
