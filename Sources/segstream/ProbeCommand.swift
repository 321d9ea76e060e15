import ArgumentParser
import Foundation
import VideoIO

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show the stream facts of a video file or URL."
    )

    @Argument(help: "Video file or URL (rtsp://, http://).")
    var input: String

    @Flag(help: "Print the facts as JSON.")
    var json = false

    func run() throws {
        var options = ReaderOptions()
        options.includeAudio = false
        let info = try VideoReader(url: input, options: options).info
        print(json ? try ProbeReport(info).json() : ProbeReport(info).text)
    }
}
