package dev.glimpse.sim;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * H.264 in MP4 through JavaCV/FFmpeg (the LGPL FFmpeg build encodes H.264 with OpenH264, Constrained Baseline).
 * Single-threaded encoding so the same frames give the same bitstream.
 */
public final class VideoWriter implements AutoCloseable {
  private final FFmpegFrameRecorder recorder;
  private final int width, height;

  public VideoWriter(Path file, int width, int height, int fps, int bitrate) throws FrameRecorder.Exception {
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("H.264 (yuv420p) needs even frame sizes, got " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
    recorder.setFormat("mp4");
    recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
    recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    recorder.setFrameRate(fps);
    recorder.setGopSize(fps);
    recorder.setVideoBitrate(bitrate);
    recorder.setVideoOption("threads", "1");
    recorder.start();
  }

  /** Encodes one packed RGB frame (H·W·3). */
  public void write(byte[] rgb) throws FrameRecorder.Exception {
    recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_RGB24, ByteBuffer.wrap(rgb));
  }

  @Override
  public void close() throws FrameRecorder.Exception {
    recorder.stop();
    recorder.release();
  }
}
