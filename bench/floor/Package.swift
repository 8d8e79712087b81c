// swift-tools-version:6.2
import PackageDescription
let package = Package(
    name: "floor",
    platforms: [.macOS(.v14)],
    dependencies: [.package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1")],
    targets: [.executableTarget(name: "floor", dependencies: [.product(name: "Hummingbird", package: "hummingbird")])]
)
