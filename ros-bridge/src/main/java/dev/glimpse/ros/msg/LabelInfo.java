package dev.glimpse.ros.msg;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code vision_msgs/LabelInfo}: {@code std_msgs/Header header}, {@code VisionClass[] class_map}
 * ({@code uint16 class_id}, {@code string class_name}), {@code float32 threshold}. Published latched
 * (transient local), "in a manner similar to CameraInfo".
 */
public record LabelInfo(Header header, List<VisionClass> classMap, float threshold) {
  public LabelInfo {
    Objects.requireNonNull(header, "header");
    classMap = List.copyOf(classMap);
  }

  /** {@code vision_msgs/VisionClass}. */
  public record VisionClass(int classId, String className) {
    static final int MIN_BYTES = 7;

    public VisionClass {
      if (classId < 0 || classId > 0xffff) throw new IllegalArgumentException("class_id is uint16: " + classId);
      Objects.requireNonNull(className, "className");
    }
  }

  public static void write(CdrWriter w, LabelInfo m) {
    Header.write(w, m.header);
    w.count(m.classMap.size());
    for (VisionClass c : m.classMap) w.u16(c.classId).string(c.className);
    w.f32(m.threshold);
  }

  public static LabelInfo read(CdrReader r) throws MalformedSampleException {
    Header header = Header.read(r);
    int n = r.count(VisionClass.MIN_BYTES);
    List<VisionClass> classes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) classes.add(new VisionClass(r.u16(), r.string()));
    return new LabelInfo(header, classes, r.f32());
  }
}
