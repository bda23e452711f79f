package dev.glimpse.sim;

import dev.glimpse.sim.scene.NamedColor;
import dev.glimpse.sim.scene.ObjectClass;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The raw training stream: frames and labels with no video encoding (format in sim/README.md, little-endian):
 * header {@code "GLMPRAW1"}, u32 JSON length, JSON {@code {"version":1,"width":W,"height":H,"pixel_format":"rgb24",
 * "classes":[...],"colors":[...]}}; then per frame u32 magic {@code 0x4D415246} ("FRAM"), u32 JSON length, the
 * labels JSON line with the scene seed, and W·H·3 bytes of RGB. The stream ends at EOF.
 */
public final class RawStreamWriter implements AutoCloseable {
  public static final int FRAME_MAGIC = 0x4D415246;
  private final OutputStream out;
  private final int width, height;
  private final ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

  public RawStreamWriter(OutputStream out, int width, int height) throws IOException {
    this.out = out;
    this.width = width;
    this.height = height;
    StringBuilder json = new StringBuilder("{\"version\":1,\"width\":").append(width).append(",\"height\":").append(height)
        .append(",\"pixel_format\":\"rgb24\",\"classes\":[");
    for (ObjectClass c : ObjectClass.values()) json.append(c.ordinal() > 0 ? "," : "").append('"').append(c.label()).append('"');
    json.append("],\"colors\":[");
    for (NamedColor c : NamedColor.values()) json.append(c.ordinal() > 0 ? "," : "").append('"').append(c.label()).append('"');
    json.append("]}");
    byte[] h = json.toString().getBytes(StandardCharsets.UTF_8);
    out.write("GLMPRAW1".getBytes(StandardCharsets.US_ASCII));
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(h.length).array());
    out.write(h);
  }

  public void write(RenderedFrame f) throws IOException {
    if (f.width() != width || f.height() != height) throw new IllegalArgumentException("frame size differs from the stream's");
    byte[] json = LabelsJson.line(f.labels(), true).getBytes(StandardCharsets.UTF_8);
    head.clear();
    head.putInt(FRAME_MAGIC).putInt(json.length);
    out.write(head.array(), 0, 8);
    out.write(json);
    out.write(f.rgb(), 0, width * height * 3);
  }

  @Override
  public void close() throws IOException { out.flush(); }
}
