#!/usr/bin/python3
"""A real RTSP server for tests, from Debian's GStreamer packages, bound to loopback only.

Serves a moving test pattern as Motion-JPEG over RTP at rtsp://127.0.0.1:PORT/cam, or with --file
an H.264 MP4 at its own pace (as a camera sends it), and stops by itself after --seconds. Needs
python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good (run it with Debian's
/usr/bin/python3, which has the gi bindings).

Usage: tools/rtsp-test-server.py --port 18554 [--size 320x240] [--file clip.mp4] [--seconds 60]
"""
import argparse

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--size", default="320x240")
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--file", help="an H.264 MP4 to serve instead of the test pattern")
    args = parser.parse_args()
    width, height = args.size.split("x")

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    if args.file:
        factory.set_launch(f"( filesrc location={args.file} ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )")
    else:
        factory.set_launch(
            f"( videotestsrc pattern=ball is-live=true ! video/x-raw,format=I420,width={width},height={height},"
            f"framerate={args.fps}/1 ! jpegenc quality=80 ! rtpjpegpay name=pay0 pt=26 )"
        )
    factory.set_shared(True)
    server.get_mount_points().add_factory("/cam", factory)
    server.attach(None)
    loop = GLib.MainLoop()
    GLib.timeout_add(int(args.seconds * 1000), loop.quit)
    print(f"serving rtsp://127.0.0.1:{args.port}/cam", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
