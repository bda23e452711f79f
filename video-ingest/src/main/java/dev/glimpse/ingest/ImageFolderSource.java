package dev.glimpse.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * {@code images:///data/frames}: the images of a folder in name order, decoded by FFmpeg, one frame each at
 * {@code imageFps}. All frames have the first image's size (or the stream's configured size); other sizes are
 * scaled to it, as a camera would never change size mid-stream. An image that cannot be decoded is skipped and
 * counted as corrupt.
 */
final class ImageFolderSource implements FrameSource {
  static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "ppm", "pgm", "gif");

  private final SourceSpec spec;
  private final List<Path> images;
  private final SourceInfo info;
  private final PixelConverter converter;
  private int index; // next image

  private ImageFolderSource(SourceSpec spec, List<Path> images, SourceInfo info) {
    this.spec = spec;
    this.images = images;
    this.info = info;
    this.converter = new PixelConverter(info.width(), info.height(), info.format());
  }

  static ImageFolderSource open(SourceSpec spec) throws SourceException {
    Path folder = Path.of(spec.url().location()).toAbsolutePath().normalize();
    if (!Files.isDirectory(folder)) {
      throw new SourceException(spec.name(), Files.exists(folder) ? folder + " is a file, not a folder (for a video use file://"
          + folder + ")" : "no such folder: " + folder, true);
    }
    List<Path> images;
    try (Stream<Path> s = Files.list(folder)) {
      images = s.filter(ImageFolderSource::isImage).sorted().toList();
    } catch (IOException e) {
      throw new SourceException(spec.name(), "cannot list " + folder + ": " + e.getMessage(), true, e);
    }
    if (images.isEmpty()) {
      throw new SourceException(spec.name(), "no images (" + String.join(", ", EXTENSIONS.stream().sorted().toList())
          + ") in " + folder, true);
    }
    int[] size = firstSize(spec, images);
    int w = spec.width() > 0 ? spec.width() : size[0], h = spec.height() > 0 ? spec.height() : size[1];
    SourceInfo info = new SourceInfo("images", "images", w, h, spec.format(), spec.imageFps(), images.size(), size[0], size[1]);
    return new ImageFolderSource(spec, images, info);
  }

  private static boolean isImage(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && Files.isRegularFile(p) && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** The size of the first image FFmpeg can open. */
  private static int[] firstSize(SourceSpec spec, List<Path> images) throws SourceException {
    SourceException last = null;
    for (Path p : images) {
      FFmpegFrameGrabber g = grabber(p);
      try {
        g.startUnsafe();
        return new int[] {g.getImageWidth(), g.getImageHeight()};
      } catch (FrameGrabber.Exception | RuntimeException e) {
        last = new SourceException(spec.name(), "cannot decode " + p + ": " + FfmpegErrors.strip(e.getMessage()), true, e);
      } finally {
        release(g);
      }
    }
    throw new SourceException(spec.name(), "none of the " + images.size() + " images can be decoded", true, last);
  }

  private static FFmpegFrameGrabber grabber(Path p) {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(p.toString());
    g.setImageMode(FrameGrabber.ImageMode.RAW);
    g.setAudioStream(Integer.MAX_VALUE);
    return g;
  }

  private static void release(FFmpegFrameGrabber g) {
    try {
      g.releaseUnsafe();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // the image is done with either way
    }
  }

  @Override
  public SourceInfo info() { return info; }

  /** The next image; one that cannot be decoded comes back as a skipped, corrupt frame so it is counted. */
  @Override
  public Decoded next(ByteBuffer dst) {
    if (index >= images.size()) return null;
    int i = index++;
    boolean ok = decode(images.get(i), dst);
    return new Decoded(Math.round(i * 1e6 / spec.imageFps()), ok ? 0 : 1, !ok);
  }

  private boolean decode(Path p, ByteBuffer dst) {
    FFmpegFrameGrabber g = grabber(p);
    try {
      g.startUnsafe();
      org.bytedeco.javacv.Frame f = g.grabImage();
      if (f == null || f.opaque == null) return false;
      converter.convert((AVFrame) f.opaque, dst);
      return true;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      return false;
    } finally {
      release(g);
    }
  }

  @Override
  public void close() { converter.close(); }
}
