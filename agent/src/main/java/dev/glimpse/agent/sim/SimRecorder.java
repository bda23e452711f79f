package dev.glimpse.agent.sim;

import dev.glimpse.agent.pipeline.FrameResult;
import dev.glimpse.agent.pipeline.PipelineListener;
import dev.glimpse.agent.pipeline.StandingQuery;
import dev.glimpse.ingest.StreamStats;
import dev.glimpse.sim.eval.MotRow;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what a sim run needs for its outputs (on the pipeline's event loop): per query the confirmed box tracks
 * as MOTChallenge rows and the per-frame detections; per frame the engine timings and the context's size. Draws a
 * progress bar.
 */
final class SimRecorder implements PipelineListener {
  final Map<String, List<MotRow>> trackRows = new LinkedHashMap<>();
  final Map<String, List<List<Detection>>> detections = new LinkedHashMap<>();
  final List<Double> encodeMs = new ArrayList<>(), frameMs = new ArrayList<>();
  final List<Long> kvBytes = new ArrayList<>();
  final List<Integer> kvRows = new ArrayList<>();
  StreamStats finalStats;
  private final int expectedFrames;
  private final PrintWriter progress;
  private final long startNanos;
  private final java.util.function.LongSupplier clock;

  SimRecorder(int expectedFrames, PrintWriter progress, java.util.function.LongSupplier clock) {
    this.expectedFrames = expectedFrames;
    this.progress = progress;
    this.clock = clock;
    this.startNanos = clock.getAsLong();
  }

  @Override
  public void onFrame(String stream, FrameResult r) {
    encodeMs.add(r.encodeMs());
    frameMs.add(r.encodeMs() + r.queryMs().values().stream().mapToDouble(Double::doubleValue).sum());
    kvBytes.add(r.kv().bytes());
    kvRows.add(r.kv().rowsPerLayer());
    drawProgress();
  }

  @Override
  public void onTracks(String stream, StandingQuery q, FrameResult r, Detections dets, List<Track> tracks) {
    String key = q.query().text();
    List<MotRow> rows = trackRows.computeIfAbsent(key, k -> new ArrayList<>());
    int frame = (int) r.sequence() + 1;                          // MOTChallenge frames are 1-based
    for (Track t : tracks) {
      if (t.state() == TrackState.TRACKED && t.box() != null) rows.add(MotRow.ofTracker(frame, t.id(), t.box(), t.score()));
    }
    List<List<Detection>> perFrame = detections.computeIfAbsent(key, k -> new ArrayList<>());
    while (perFrame.size() < frame - 1) perFrame.add(List.of());   // frames where the query was not due
    perFrame.add(dets.items());
  }

  @Override
  public void onEnd(String stream, StreamStats stats) {
    finalStats = stats;
    if (progress != null) progress.println();
  }

  private void drawProgress() {
    if (progress == null) return;
    int n = encodeMs.size();
    double secs = (clock.getAsLong() - startNanos) / 1e9;
    double per = secs / n;
    String bar;
    if (expectedFrames > 0) {
      int filled = (int) Math.min(30, Math.round(30.0 * n / expectedFrames));
      double eta = per * Math.max(0, expectedFrames - n);
      bar = String.format("\r[%s%s] %d/%d frames, %.2f s/frame, ETA %.0f s ", "#".repeat(filled),
          ".".repeat(30 - filled), n, expectedFrames, per, eta);
    } else {
      bar = String.format("\r%d frames, %.2f s/frame ", n, per);
    }
    progress.print(bar);
    progress.flush();
  }
}
