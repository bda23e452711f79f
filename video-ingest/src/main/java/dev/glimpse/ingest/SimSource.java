package dev.glimpse.ingest;

import dev.glimpse.sim.FrameRenderer;
import dev.glimpse.sim.RenderedFrame;
import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import dev.glimpse.types.PixelFormat;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * {@code sim://seed=7&size=756x756&fps=30&frames=300}: the scene simulator rendering live, deterministic per seed.
 * Without {@code frames} it renders forever. The stream's width/height, when set, override {@code size}.
 */
final class SimSource implements FrameSource {
  static final long DEFAULT_SEED = 1;
  static final int DEFAULT_SIZE = 756;
  static final double DEFAULT_FPS = 30;

  private final Scene scene;
  private final FrameRenderer renderer;
  private final SourceInfo info;
  private final long limit; // frames to render, 0 = endless
  private int frame;        // frames rendered so far (the renderer numbers them from 1)

  private SimSource(Scene scene, FrameRenderer renderer, SourceInfo info, long limit) {
    this.scene = scene;
    this.renderer = renderer;
    this.info = info;
    this.limit = limit;
  }

  static SimSource open(SourceSpec spec) throws SourceException {
    Map<String, String> p = spec.url().params();
    long seed = Long.parseLong(p.getOrDefault("seed", Long.toString(DEFAULT_SEED)));
    double fps = Double.parseDouble(p.getOrDefault("fps", Double.toString(DEFAULT_FPS)));
    long limit = Long.parseLong(p.getOrDefault("frames", "0"));
    int w = DEFAULT_SIZE, h = DEFAULT_SIZE;
    if (p.containsKey("size")) {
      String[] wh = p.get("size").split("x");
      w = Integer.parseInt(wh[0]);
      h = Integer.parseInt(wh[1]);
    }
    if (spec.width() > 0) {
      w = spec.width();
      h = spec.height();
    }
    try {
      FrameRenderer renderer = new FrameRenderer(w, h);
      Scene scene = new SceneGenerator().generate(seed);
      SourceInfo info = new SourceInfo("sim", "sim", w, h, spec.format(), fps, limit > 0 ? limit : -1, w, h);
      return new SimSource(scene, renderer, info, limit);
    } catch (IllegalArgumentException e) {
      throw new SourceException(spec.name(), e.getMessage(), true, e);
    }
  }

  @Override
  public SourceInfo info() { return info; }

  @Override
  public Decoded next(ByteBuffer dst) {
    if (limit > 0 && frame >= limit) return null;
    frame++;
    if (frame > 1) scene.step((float) (1 / info.fps()));
    RenderedFrame r = renderer.render(scene, frame);
    write(r.rgb(), info.format(), dst);
    return new Decoded(Math.round((frame - 1) * 1e6 / info.fps()), 0, false);
  }

  /** Packed RGB (H·W·3) into dst in the wanted format: a bulk copy for RGB24, one pass for the others. */
  static void write(byte[] rgb, PixelFormat format, ByteBuffer dst) {
    switch (format) {
      case RGB24 -> dst.put(0, rgb);
      case BGR24 -> {
        for (int i = 0; i < rgb.length; i += 3) {
          dst.put(i, rgb[i + 2]);
          dst.put(i + 1, rgb[i + 1]);
          dst.put(i + 2, rgb[i]);
        }
      }
      case GRAY8 -> { // BT.601 luma in 8-bit fixed point: 0.299 R + 0.587 G + 0.114 B
        for (int i = 0, o = 0; i < rgb.length; i += 3, o++) {
          int y = 77 * (rgb[i] & 255) + 150 * (rgb[i + 1] & 255) + 29 * (rgb[i + 2] & 255);
          dst.put(o, (byte) (y >> 8));
        }
      }
    }
  }

  @Override
  public void close() { }
}
