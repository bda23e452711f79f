package dev.glimpse.config;

import java.util.Objects;

/**
 * The bounded queue between a stream's grabber and the pipeline. YAML: {@code mailbox: {policy, capacity}}.
 * Live sources default to {@code latest} with capacity 1 (lowest latency); replayed ones to {@code all} with
 * capacity 8 (nothing lost).
 *
 * @param policy what happens when the mailbox is full.
 * @param capacity frames held, 1..1024. Raising it rides out short engine stalls without drops, but under
 *     {@code latest} each queued frame adds a frame interval of latency, and each costs a decoded frame of memory
 *     (756×756 RGB ≈ 1.7 MB).
 */
public record MailboxConfig(MailboxPolicy policy, int capacity) {
  /** Capacity when the policy is {@code latest}: only the newest frame waits. */
  public static final int DEFAULT_LATEST_CAPACITY = 1;
  /** Capacity when the policy is {@code all}: enough to keep decode and encode overlapped. */
  public static final int DEFAULT_ALL_CAPACITY = 8;

  /** Mailbox policies. */
  public enum MailboxPolicy {
    /**
     * Live: when full, the oldest frame is dropped and counted, so the pipeline always works on the newest frame.
     * Latency stays bounded; under overload, frames are lost.
     */
    LATEST,
    /** Replay: when full, the grabber waits (backpressure). Nothing is lost; under overload, replay slows down. */
    ALL
  }

  public MailboxConfig {
    Objects.requireNonNull(policy, "policy");
    Checks c = new Checks();
    c.inRange("capacity", capacity, 1, 1024);
    c.throwIfAny("MailboxConfig");
  }

  /** The default capacity for a policy. */
  public static int defaultCapacity(MailboxPolicy policy) {
    return policy == MailboxPolicy.LATEST ? DEFAULT_LATEST_CAPACITY : DEFAULT_ALL_CAPACITY;
  }

  /** The default policy for a kind of source: {@code latest} when live, {@code all} when replayed. */
  public static MailboxPolicy defaultPolicy(SourceKind kind) {
    return kind.isLive() ? MailboxPolicy.LATEST : MailboxPolicy.ALL;
  }

  /** The default mailbox for a kind of source. */
  public static MailboxConfig defaultFor(SourceKind kind) {
    MailboxPolicy p = defaultPolicy(kind);
    return new MailboxConfig(p, defaultCapacity(p));
  }
}
