import ArgumentParser
import PortcullisCore

/// `portcullis settings`: every setting the server reads with its default;
/// `--markdown` prints the configuration reference (docs/configuration.md).
struct Settings: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every setting with its default (--markdown: the reference document).")

    @Flag(help: "Print docs/configuration.md: key, environment variable, kind, default, range and description.")
    var markdown = false

    func run() {
        print(markdown ? ConfigSettings.markdown() : ConfigSettings.defaultsListing(), terminator: "")
    }
}
