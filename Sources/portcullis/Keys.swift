import ArgumentParser
import Foundation
import PortcullisCore

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage signing keys.", subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a new RS256 key pair (jwt-private.pem, jwt-public.pem).")
        @Option(name: .long, help: "Directory to write into.") var out: String

        func run() throws {
            do {
                try SigningKeyFiles.write(to: out)
                print("wrote \(out)/jwt-private.pem and \(out)/jwt-public.pem")
            } catch {
                FileHandle.standardError.write(Data("portcullis: cannot write keys: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
