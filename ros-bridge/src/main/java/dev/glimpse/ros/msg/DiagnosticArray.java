package dev.glimpse.ros.msg;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code diagnostic_msgs/DiagnosticArray}: {@code std_msgs/Header header}, {@code DiagnosticStatus[] status}.
 */
public record DiagnosticArray(Header header, List<DiagnosticStatus> status) {
  public DiagnosticArray {
    Objects.requireNonNull(header, "header");
    status = List.copyOf(status);
  }

  /** {@code DiagnosticStatus.level}: {@code byte OK=0, WARN=1, ERROR=2, STALE=3}. */
  public enum Level {
    OK, WARN, ERROR, STALE;

    public static Level of(int b) throws MalformedSampleException {
      if (b < 0 || b > 3) throw new MalformedSampleException("DiagnosticStatus.level " + b + " is not 0..3");
      return values()[b];
    }
  }

  /**
   * {@code diagnostic_msgs/DiagnosticStatus}: {@code byte level}, {@code string name}, {@code string message},
   * {@code string hardware_id}, {@code KeyValue[] values}.
   */
  public record DiagnosticStatus(Level level, String name, String message, String hardwareId, List<KeyValue> values) {
    static final int MIN_BYTES = 20;

    public DiagnosticStatus {
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(hardwareId, "hardwareId");
      values = List.copyOf(values);
    }
  }

  /** {@code diagnostic_msgs/KeyValue}. */
  public record KeyValue(String key, String value) {
    static final int MIN_BYTES = 10;

    public KeyValue {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  public static void write(CdrWriter w, DiagnosticArray a) {
    Header.write(w, a.header);
    w.count(a.status.size());
    for (DiagnosticStatus s : a.status) {
      w.u8(s.level.ordinal()).string(s.name).string(s.message).string(s.hardwareId).count(s.values.size());
      for (KeyValue kv : s.values) w.string(kv.key).string(kv.value);
    }
  }

  public static DiagnosticArray read(CdrReader r) throws MalformedSampleException {
    Header header = Header.read(r);
    int n = r.count(DiagnosticStatus.MIN_BYTES);
    List<DiagnosticStatus> status = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Level level = Level.of(r.u8());
      String name = r.string();
      String message = r.string();
      String hardwareId = r.string();
      int k = r.count(KeyValue.MIN_BYTES);
      List<KeyValue> values = new ArrayList<>(k);
      for (int j = 0; j < k; j++) values.add(new KeyValue(r.string(), r.string()));
      status.add(new DiagnosticStatus(level, name, message, hardwareId, values));
    }
    return new DiagnosticArray(header, status);
  }
}
