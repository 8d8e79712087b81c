import Synchronization
import Testing
@testable import PortcullisCore

struct ReadCoalescerTests {
    /// Counts reads; every read waits until `release()` so callers overlap.
    /// Releasing lets all reads through, however many started: a coalescer
    /// that failed to share makes the test fail, never hang.
    final class SlowSource: Sendable {
        let reads = Mutex(0)
        let gate = AsyncStream<Void>.makeStream()

        func read(_ value: Int) async -> Int {
            reads.withLock { $0 += 1 }
            for await _ in gate.stream {}
            return value
        }

        func release() { gate.continuation.finish() }
    }

    func waitForReads(_ source: SlowSource, _ count: Int) async {
        while source.reads.withLock({ $0 }) < count { await Task.yield() }
    }

    @Test func overlappingMissesInOneGenerationShareOneRead() async throws {
        let coalescer = ReadCoalescer<String, Int>()
        let source = SlowSource()
        async let first = coalescer.load("s", generation: 1) { await source.read(7) }
        await waitForReads(source, 1)
        async let second = coalescer.load("s", generation: 1) { await source.read(8) }
        async let other = coalescer.load("t", generation: 1) { await source.read(9) }
        await waitForReads(source, 2)
        try await Task.sleep(for: .milliseconds(200))  // lets `second` reach the coalescer before the read ends
        source.release()
        let values = try await [first, second, other]
        #expect(values == [7, 7, 9], "the second caller joins the first read; another key reads anew")
        #expect(source.reads.withLock { $0 } == 2)
    }

    @Test func aReadFromAnEarlierGenerationIsNotShared() async throws {
        let coalescer = ReadCoalescer<String, Int>()
        let source = SlowSource()
        async let before = coalescer.load("s", generation: 1) { await source.read(1) }
        await waitForReads(source, 1)
        async let after = coalescer.load("s", generation: 2) { await source.read(2) }
        await waitForReads(source, 2)
        source.release()
        let values = try await [before, after]
        #expect(values == [1, 2], "a request after an invalidation never gets a read begun before it")
    }

    @Test func aFinishedReadIsNotReused() async throws {
        let coalescer = ReadCoalescer<String, Int>()
        let source = SlowSource()
        source.release()
        let first = try await coalescer.load("s", generation: 1) { await source.read(1) }
        let second = try await coalescer.load("s", generation: 1) { await source.read(2) }
        #expect([first, second] == [1, 2])
        #expect(source.reads.withLock { $0 } == 2)
    }
}
