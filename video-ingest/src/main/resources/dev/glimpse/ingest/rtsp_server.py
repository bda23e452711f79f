"""Loopback RTSP test server for outage tests and fault benchmarks (GStreamer gst-rtsp-server through PyGObject).

Usage: /usr/bin/python3 rtsp_server.py PORT SOURCE
  SOURCE = path to an H.264 .mp4/.mov/.mkv file: served from t=0 to every client, then end of stream
  SOURCE = test: an endless live test pattern (moving ball, MJPEG over RTP), shared by all clients
Serves rtsp://127.0.0.1:PORT/cam and prints 'READY PORT' once listening. Only elements from
gstreamer1.0-plugins-base and -good are used, so .ci/apt-packages stays small.
"""
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

DEMUX = {'.mp4': 'qtdemux', '.mov': 'qtdemux', '.mkv': 'matroskademux'}


def launch_line(source):
    if source == 'test':
        # is-live: frames come at 30 fps wall time whether or not anyone reads them, as from a camera
        return ('( videotestsrc is-live=true pattern=ball ! video/x-raw,format=I420,width=320,height=240,framerate=30/1 '
                '! jpegenc quality=70 ! rtpjpegpay name=pay0 pt=26 )')
    ext = source[source.rfind('.'):].lower()
    if ext not in DEMUX:
        sys.exit('unsupported file type %r (expected one of %s)' % (ext, ', '.join(DEMUX)))
    # qtdemux/matroskademux emit H.264 in avc form, which rtph264pay takes without h264parse (plugins-bad)
    return '( filesrc location=%s ! %s ! rtph264pay name=pay0 pt=96 config-interval=-1 )' % (source, DEMUX[ext])


def main():
    port, source = int(sys.argv[1]), sys.argv[2]
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(str(port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_line(source))
    factory.set_shared(source == 'test')
    server.get_mount_points().add_factory('/cam', factory)
    if server.attach(None) == 0:
        sys.exit('cannot listen on 127.0.0.1:%d' % port)
    print('READY %d' % port, flush=True)
    GLib.MainLoop().run()


if __name__ == '__main__':
    main()
