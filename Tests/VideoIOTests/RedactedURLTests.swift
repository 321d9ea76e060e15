import Testing
import VideoIO

@Suite struct RedactedURLTests {
    @Test func passwordsInURLsAreReplaced() {
        #expect(redactingCredentials("rtsp://admin:secret@10.0.0.5:554/stream1") == "rtsp://admin:***@10.0.0.5:554/stream1")
        #expect(redactingCredentials("rtsps://u:p@ss:w@cam/x?token=1") == "rtsps://u:***@cam/x?token=1")
        #expect(redactingCredentials("srt://host:9000?mode=caller") == "srt://host:9000?mode=caller")
        #expect(redactingCredentials("rtsp://viewer@cam/live") == "rtsp://viewer@cam/live")
        #expect(redactingCredentials("fixtures/videos/dashcam-sample.mp4") == "fixtures/videos/dashcam-sample.mp4")
        #expect(redactingCredentials("http://cam/a@b:c") == "http://cam/a@b:c", "an @ in the path is not an authority")
    }
}
