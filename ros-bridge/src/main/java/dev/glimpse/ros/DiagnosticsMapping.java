package dev.glimpse.ros;

import dev.glimpse.ros.dds.DdsCounters;
import dev.glimpse.ros.msg.DiagnosticArray.DiagnosticStatus;
import dev.glimpse.ros.msg.DiagnosticArray.KeyValue;
import dev.glimpse.ros.msg.DiagnosticArray.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows for {@code /diagnostics} ({@code diagnostic_msgs/DiagnosticArray}), as {@code diagnostic_updater} publishes
 * them: one {@link DiagnosticStatus} per component, with its numbers as key/value rows. The pipeline passes its own
 * figures (rates, latency, drops, reconnects, …) as a map; the bridge adds a status for itself.
 */
public final class DiagnosticsMapping {
  private DiagnosticsMapping() {}

  /** Name of the bridge's own status. */
  public static final String BRIDGE_STATUS = "glimpse: ros_bridge";

  /** A status with the caller's rows, in the map's iteration order. */
  public static DiagnosticStatus status(String name, Level level, String message, String hardwareId,
      Map<String, String> values) {
    List<KeyValue> rows = new ArrayList<>(values.size());
    values.forEach((k, v) -> rows.add(new KeyValue(k, v)));
    return new DiagnosticStatus(level, name, message, hardwareId, rows);
  }

  /**
   * The bridge's own status: WARN while any incompatible-QoS match or malformed sample has been seen, OK otherwise.
   */
  public static DiagnosticStatus bridgeStatus(String nodeName, String library, DdsCounters c) {
    boolean qos = c.offeredIncompatibleQos() + c.requestedIncompatibleQos() > 0;
    boolean malformed = c.malformed() > 0;
    Level level = qos || malformed ? Level.WARN : Level.OK;
    String message = qos ? "incompatible QoS with some peers (see log)"
        : malformed ? "dropped malformed samples from peers" : "ok";
    return new DiagnosticStatus(level, BRIDGE_STATUS, message, nodeName, List.of(
        new KeyValue("library", library),
        new KeyValue("samples_written", Long.toString(c.written())),
        new KeyValue("write_failures", Long.toString(c.writeFailures())),
        new KeyValue("samples_received", Long.toString(c.taken())),
        new KeyValue("dropped_malformed", Long.toString(c.malformed())),
        new KeyValue("callback_errors", Long.toString(c.handlerErrors())),
        new KeyValue("samples_lost", Long.toString(c.samplesLost())),
        new KeyValue("qos_incompatible_offered", Long.toString(c.offeredIncompatibleQos())),
        new KeyValue("qos_incompatible_requested", Long.toString(c.requestedIncompatibleQos()))));
  }
}
