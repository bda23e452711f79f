package dev.glimpse.cuda.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames of a simulator raw stream ({@code glimpse render --raw}, format GLMPRAW1 of sim's RawStreamWriter: magic,
 * u32 header length, header JSON; per frame u32 magic, u32 labels length, labels JSON, W·H·3 RGB bytes), read whole.
 *
 * @param width  frame width
 * @param height frame height
 * @param frames every frame: its labels and pixels
 */
record RawFrames(int width, int height, List<Frame> frames) {
  /** One rendered frame: scene seed, frame index, labels (the objects) and packed RGB [H, W, 3]. */
  record Frame(long scene, int index, JsonNode labels, byte[] rgb) {}

  private static final int FRAME_MAGIC = 0x4D415246;

  static RawFrames read(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
      byte[] magic = in.readNBytes(8);
      if (!new String(magic, StandardCharsets.US_ASCII).equals("GLMPRAW1")) {
        throw new IOException(file + " is not a GLMPRAW1 raw stream (render one with glimpse render --raw)");
      }
      JsonNode header = json.readTree(in.readNBytes(u32(in)));
      int w = header.path("width").asInt(), h = header.path("height").asInt();
      List<Frame> frames = new ArrayList<>();
      while (true) {
        byte[] head = in.readNBytes(8);
        if (head.length == 0) break;
        if (head.length < 8) throw new EOFException(file + ": truncated frame header");
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != FRAME_MAGIC) throw new IOException(file + ": bad frame magic at frame " + frames.size());
        JsonNode labels = json.readTree(in.readNBytes(b.getInt()));
        byte[] rgb = in.readNBytes(w * h * 3);
        if (rgb.length < w * h * 3) throw new EOFException(file + ": truncated pixels at frame " + frames.size());
        frames.add(new Frame(labels.path("scene").asLong(), labels.path("frame").asInt(), labels, rgb));
      }
      return new RawFrames(w, h, List.copyOf(frames));
    }
  }

  private static int u32(DataInputStream in) throws IOException {
    byte[] b = in.readNBytes(4);
    if (b.length < 4) throw new EOFException("truncated header length");
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
