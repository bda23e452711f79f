package dev.glimpse.tensor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes f32 tensors as a safetensors file (for fixtures and dumps of named intermediates). */
public final class SafetensorsWriter {
  private final Map<String, float[]> values = new LinkedHashMap<>();
  private final Map<String, int[]> shapes = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  public SafetensorsWriter put(String name, float[] data, int... shape) {
    if (Tensor.numel(shape) != data.length) {
      throw new IllegalArgumentException("'" + name + "': " + data.length + " values for shape " + java.util.Arrays.toString(shape));
    }
    values.put(name, data.clone());
    shapes.put(name, shape.clone());
    return this;
  }

  public SafetensorsWriter meta(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public void write(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    if (!metadata.isEmpty()) header.set("__metadata__", json.valueToTree(metadata));
    long offset = 0;
    for (var e : values.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      t.set("shape", json.valueToTree(shapes.get(e.getKey())));
      long end = offset + 4L * e.getValue().length;
      t.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] h = json.writeValueAsBytes(header);
    int pad = (8 - h.length % 8) % 8; // keep the data section 8-byte aligned, padding with spaces as the spec allows
    byte[] padded = new byte[h.length + pad];
    System.arraycopy(h, 0, padded, 0, h.length);
    java.util.Arrays.fill(padded, h.length, padded.length, (byte) ' ');
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length).array());
      out.write(padded);
      for (float[] v : values.values()) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
      }
    }
  }

}
