package dev.glimpse.cuda.encoder;

import dev.glimpse.cuda.Driver;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPU time per stage of one eager encode: an event recorded on the stream after each stage, the time between
 * consecutive events summed per stage name. For profiling only (it adds an event per stage); not used by graphs.
 */
final class StageTimer implements AutoCloseable {
  private final Driver driver;
  private final MemorySegment stream;
  private final List<String> names = new ArrayList<>();
  private final List<MemorySegment> events = new ArrayList<>();

  StageTimer(Driver driver, MemorySegment stream) {
    this.driver = driver;
    this.stream = stream;
    mark("start");
  }

  /** Ends the stage {@code name} here. */
  void mark(String name) {
    MemorySegment e = driver.eventCreate(0);
    driver.eventRecord(e, stream);
    names.add(name);
    events.add(e);
  }

  /** Milliseconds per stage name, in first-seen order (waits for the last event). */
  Map<String, Double> millis() {
    driver.eventSynchronize(events.getLast());
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 1; i < events.size(); i++) {
      out.merge(names.get(i), (double) driver.elapsedMs(events.get(i - 1), events.get(i)), Double::sum);
    }
    return out;
  }

  @Override
  public void close() {
    for (MemorySegment e : events) driver.eventDestroy(e);
    events.clear();
  }
}
