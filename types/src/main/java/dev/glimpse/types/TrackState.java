package dev.glimpse.types;

/** Lifecycle of a track: new → tracked → lost → removed (ByteTrack's states, plus NEW for unconfirmed tracks). */
public enum TrackState { NEW, TRACKED, LOST, REMOVED }
