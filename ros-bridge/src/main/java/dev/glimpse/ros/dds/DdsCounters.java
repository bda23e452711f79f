package dev.glimpse.ros.dds;

import java.util.concurrent.atomic.LongAdder;

/**
 * What happened on one participant's writers and readers since it was created; read by the bridge's
 * diagnostics. Counters only grow.
 */
public final class DdsCounters {
  final LongAdder written = new LongAdder();
  final LongAdder writeFailures = new LongAdder();
  final LongAdder taken = new LongAdder();
  final LongAdder malformed = new LongAdder();
  final LongAdder handlerErrors = new LongAdder();
  final LongAdder offeredIncompatibleQos = new LongAdder();
  final LongAdder requestedIncompatibleQos = new LongAdder();
  final LongAdder samplesLost = new LongAdder();

  /** Samples handed to Cyclone by our writers. */
  public long written() { return written.sum(); }

  /** Writes Cyclone refused (timeouts of a blocked reliable writer, samples its validation rejected). */
  public long writeFailures() { return writeFailures.sum(); }

  /** Samples taken from our readers, malformed ones included. */
  public long taken() { return taken.sum(); }

  /** Samples from peers dropped because they did not decode into a valid message. */
  public long malformed() { return malformed.sum(); }

  /** Samples whose application callback threw; the sample is dropped, the reader carries on. */
  public long handlerErrors() { return handlerErrors.sum(); }

  /** Times a peer reader asked for more than one of our writers offers (e.g. reliable from a best-effort writer). */
  public long offeredIncompatibleQos() { return offeredIncompatibleQos.sum(); }

  /** Times one of our readers asked for more than a peer writer offers. */
  public long requestedIncompatibleQos() { return requestedIncompatibleQos.sum(); }

  /** Samples Cyclone reports lost before reaching our readers (best-effort gaps, history overflow). */
  public long samplesLost() { return samplesLost.sum(); }
}
