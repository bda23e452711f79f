package dev.glimpse.agent.pipeline;

import dev.glimpse.ingest.StreamEvent;
import dev.glimpse.ingest.StreamStats;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import java.util.List;

/**
 * Receives a stream's results on its event loop (publishers: MOT files, ROS 2, WebSocket, metrics). Must not block:
 * hand slow work (disk, network) to its own thread.
 */
public interface PipelineListener {
  /** Every processed frame, before its tracks. */
  default void onFrame(String stream, FrameResult result) {}

  /** The detections of one standing query on one frame and the tracks after the tracker's update. */
  default void onTracks(String stream, StandingQuery query, FrameResult result, Detections detections,
      List<Track> tracks) {}

  /**
   * Ingest changed state (CONNECTING, STREAMING, STALLED, RECONNECTING, ...). The event's clock is the grab thread's,
   * so a STREAMING event marks when the first frame of a session was decoded, however busy the engine is.
   */
  default void onStreamEvent(String stream, StreamEvent event) {}

  /** The stream ended (file done) or was stopped; stats are final. */
  default void onEnd(String stream, StreamStats stats) {}
}
