// Differential tests of the production kernel (LiteBoxKernel) against the
// executable specification: after every call, the kernel's outcome equals the
// spec's, its abstraction equals the spec's state, and its representation
// invariants hold. Plus: exhaustive lockstep from every state `tiny` reaches in
// 4 calls (through concretization), kernel-sized universes (4096 slots per
// sandbox, 2^20 pages, 1000 sandboxes), the register-level ABI decoder, and
// the MDB's delete / revoke / move behaviour.

import LiteBoxABI
import Testing
import LiteBoxSpec
import LiteBoxRefinement
@testable import LiteBoxKernel
import LiteBoxTestSupport

// MARK: - Lockstep helpers

/// The running threads of `lockstep`'s specification state.
func running(_ lockstep: Lockstep) -> [Int] {
    (0..<lockstep.spec.config.threads.count).filter { lockstep.spec.threadState(lockstep.state, $0) == .running }
}

/// A test failure report for `lockstep`'s divergence: the divergence, the
/// calls since the last reset and the state before the divergent call.
func report(_ d: Lockstep.Divergence, config: Configuration, history: [Call], before: String) -> String {
    "\(config.name): \(d)\ncalls since reset:\n" + history.map { "  \($0)" }.joined(separator: "\n")
        + "\nstate before:\n" + before
}

/// The result of a random lockstep run.
struct LockstepRun {
    var calls = 0
    var succeeded = 0
    var failure: String?
}

/// `steps` random calls in lockstep from the initial state of `config`:
/// 7 in 8 issued by a running thread with the system call drawn uniformly and
/// its arguments from the exploration alphabet (so many succeed), 1 in 8 from
/// raw random numbers (`Configuration.decodeCall`: any thread, arguments one
/// past their range, unknown rights bits). Restarts from the initial state
/// when no thread runs and every 400 calls.
func randomLockstep(_ config: Configuration, seed: UInt64, steps: Int, kernel makeKernel: (() -> Kernel)? = nil,
                    rawShare: UInt64 = 8) -> LockstepRun {
    let bySyscall = Dictionary(grouping: CallAlphabet.standard.calls(for: config), by: \.syscall)
    var rng = SplitMix64(seed: seed)
    let spec = ConcreteSpec(config)
    func fresh() -> Lockstep {
        Lockstep(spec: spec, kernel: makeKernel?() ?? Kernel(config), checksRepresentation: true)
    }
    var ls = fresh()
    var history: [Call] = []
    var run = LockstepRun()
    while run.calls < steps {
        let running = running(ls)
        if running.isEmpty || history.count == 400 {
            ls = fresh()
            history = []
            continue
        }
        let call: Call
        if rawShare > 0 && rng.next() % rawShare == 0 {
            call = config.decodeCall(syscall: Int(rng.next() % 20), thread: Int(rng.next() % 64),
                                     raw: (0..<4).map { _ in Int(rng.next() % 65) })
        } else {
            let t = UInt32(running[Int(rng.next() % UInt64(running.count))])
            let sc = Syscall.allCases[Int(rng.next() % UInt64(Syscall.allCases.count))]
            let choices = bySyscall[sc]!.filter { $0.thread == t }
            call = choices[Int(rng.next() % UInt64(choices.count))]
        }
        let before = ls.state
        history.append(call)
        let outcome = ls.step(call)
        run.calls += 1
        if let d = ls.divergence {
            run.failure = report(d, config: config, history: history, before: spec.render(before))
            return run
        }
        if outcome.succeeded { run.succeeded += 1 }
    }
    return run
}

// MARK: - Differential tests on the presets

@Suite struct KernelDifferentialTests {
    /// 30,000 seeded random calls per preset (120,000 in all), kernel and spec
    /// in lockstep: same outcome, `abstraction() == spec state` and a sound
    /// representation after every call.
    @Test(arguments: allPresetNames)
    func seededRandomLockstep(_ name: String) {
        let config = preset(name)
        let run = randomLockstep(config, seed: 0xC0FF_EE00 + UInt64(config.name.count), steps: 30_000)
        #expect(run.failure == nil, "\(run.failure ?? "")")
        #expect(run.calls == 30_000)
        // Not vacuous: thousands of the calls did something.
        #expect(run.succeeded > 5_000, "only \(run.succeeded) calls succeeded")
    }

    /// Every state `tiny` reaches within 4 calls (and `default` within 3):
    /// concretized, its abstraction is the state again, and every call of the
    /// alphabet from it agrees with the spec (outcome, next state,
    /// representation). A failed call must leave the kernel as it was, so the
    /// kernel is re-concretized only after calls that change the state.
    @Test(arguments: [("tiny", 4, 4463), ("default", 3, 4471)])
    func exhaustiveLockstepFromReachableStates(_ name: String, depth: Int, expectedStates: Int) throws {
        let config = preset(name)
        let spec = ConcreteSpec(config)
        let states = try reachableStates(spec, depth: depth)
        #expect(states.count == expectedStates)
        let calls = CallAlphabet.standard.calls(for: config)
        var checked = 0
        for s in states {
            var kernel = Kernel(concretizing: s, config: config)
            guard kernel.abstraction() == s, kernel.checkRepresentation().isEmpty else {
                Issue.record("concretization does not round-trip:\n\(spec.render(s))\n\(spec.difference(s, kernel.abstraction()))\n\(kernel.checkRepresentation())")
                return
            }
            for c in calls {
                var ls = Lockstep(spec: spec, kernel: kernel, state: s, checksRepresentation: true)
                ls.step(c)
                if let d = ls.divergence {
                    Issue.record("\(config.name): from state\n\(spec.render(s))\n\(d)")
                    return
                }
                checked += 1
                if ls.state != s { kernel = Kernel(concretizing: s, config: config) }
            }
        }
        #expect(checked == states.count * calls.count)
        print("\(config.name): \(states.count) states × \(calls.count) calls = \(checked) lockstep transitions")
    }

    /// Concretization round-trips on many states of the larger presets
    /// (reached by random runs), not only on `tiny`.
    @Test(arguments: allPresetNames)
    func concretizationRoundTripsOnRandomStates(_ name: String) throws {
        let config = preset(name)
        let spec = ConcreteSpec(config)
        let states = try reachableStates(spec, depth: 2)
        for s in states {
            let k = Kernel(concretizing: s, config: config)
            #expect(k.abstraction() == s, "\(spec.render(s))")
            #expect(k.checkRepresentation().isEmpty)
        }
        // Also the states along a random run.
        let bySyscall = CallAlphabet.standard.calls(for: config)
        var rng = SplitMix64(seed: 77)
        var s = spec.initialState
        for i in 0..<3_000 {
            if i % 300 == 0 { s = spec.initialState }
            let (t, _) = spec.step(s, bySyscall[Int(rng.next() % UInt64(bySyscall.count))])
            s = t
            let k = Kernel(concretizing: s, config: config)
            if k.abstraction() != s { Issue.record("round trip fails on\n\(spec.render(s))"); return }
        }
    }
}

// MARK: - Kernel-sized universes

extension KernelDifferentialTests {
    /// `large` embedded in a kernel-sized universe (4096 slots per sandbox,
    /// 2^20 pages per address space): in-range calls must agree with the spec
    /// exactly, the abstraction taken in `large`.
    @Test func kernelSizedUniverseEmbeddingLargeAgreesWithSpec() throws {
        let config = Configuration.large
        var sizes = KernelSizes(config)
        sizes.slotsPerSandbox = 4096
        sizes.pagesPerSandbox = 1 << 20
        let make = {
            try! Kernel(sizes: sizes, threads: config.threads, capabilities: config.capabilities,
                        mappings: config.mappings, frameValues: config.frameValues)
        }
        let run = randomLockstep(config, seed: 0xB16, steps: 20_000, kernel: make, rawShare: 0)
        #expect(run.failure == nil, "\(run.failure ?? "")")
        #expect(run.succeeded > 3_000)
    }

    /// A universe of 1000 sandboxes × 4096 slots, 2^20 pages each, 2000
    /// threads, 64 endpoints and notifications, 2048 frames. Sandbox `sb`:
    /// thread `2sb` (running) and `2sb+1` (inactive); slot 0 an endpoint
    /// capability (a CDT child of sandbox `sb-64`'s, so chains cross
    /// sandboxes), slot 1 a notification capability (likewise), slots 2 and 3
    /// frames `2sb`, `2sb+1` mapped at page 0 (RW) and page 2^20-1 (R), slots
    /// 4, 5, 6 thread capabilities to `2sb+1`, `2sb` and the next sandbox's
    /// `2sb+2` (so exited threads can be restarted), slot 4095 a badged
    /// endpoint child of slot 0.
    static func bigUniverse(sandboxes: Int = 1000) throws -> Kernel {
        let sizes = KernelSizes(sandboxes: sandboxes, slotsPerSandbox: 4096, pagesPerSandbox: 1 << 20,
                                endpoints: 64, notifications: 64, frames: 2 * sandboxes, threads: 2 * sandboxes)
        var threads: [Configuration.ThreadSpec] = []
        var caps: [Configuration.CapSpec] = []
        var maps: [Configuration.MappingSpec] = []
        func ref(_ sb: Int, _ slot: Int) -> Configuration.SlotRef { .init(sandbox: sb, slot: slot) }
        for sb in 0..<sandboxes {
            threads.append(.init(sandbox: sb, running: true))
            threads.append(.init(sandbox: sb, running: false))
            caps.append(.init(at: ref(sb, 0), type: .endpoint, object: sb % 64, rights: .all,
                              parent: sb >= 64 ? ref(sb - 64, 0) : nil))
            caps.append(.init(at: ref(sb, 1), type: .notification, object: sb % 64, rights: [.read, .write],
                              parent: sb >= 64 ? ref(sb - 64, 1) : nil))
            caps.append(.init(at: ref(sb, 2), type: .frame, object: 2 * sb, rights: [.read, .write]))
            caps.append(.init(at: ref(sb, 3), type: .frame, object: 2 * sb + 1, rights: [.read, .write]))
            caps.append(.init(at: ref(sb, 4), type: .thread, object: 2 * sb + 1, rights: .write))
            caps.append(.init(at: ref(sb, 5), type: .thread, object: 2 * sb, rights: .write))
            caps.append(.init(at: ref(sb, 6), type: .thread, object: 2 * ((sb + 1) % sandboxes), rights: .write))
            caps.append(.init(at: ref(sb, 4095), type: .endpoint, object: sb % 64, rights: [.read, .write],
                              badge: UInt32(sb + 1), parent: ref(sb, 0)))
            maps.append(.init(sandbox: sb, page: 0, slot: 2, rights: [.read, .write]))
            maps.append(.init(sandbox: sb, page: (1 << 20) - 1, slot: 3, rights: .read))
        }
        return try Kernel(sizes: sizes, threads: threads, capabilities: caps, mappings: maps)
    }

    /// 60,000 random calls in the 1000-sandbox universe (slots near both ends
    /// of the capability space and one past it, pages near both ends of the
    /// address space and one past it), with the representation checked every
    /// 6,000 calls; outcomes are always a known code.
    @Test func kernelSizedUniverseRandomCalls() throws {
        let clock = ContinuousClock()
        var kernel: Kernel! = nil
        let setup = try clock.measure { kernel = try Self.bigUniverse() }
        print("1000 sandboxes × 4096 slots, 2^20 pages, 2000 threads set up in \(setup)")
        #expect(kernel.checkRepresentation().isEmpty)
        #expect(kernel.capabilityCount == 8000)
        var rng = SplitMix64(seed: 0xB16B16)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        let slotChoices: [UInt32] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 4094, 4095, 4096]
        let pageChoices: [UInt32] = [0, 1, 2, (1 << 20) - 2, (1 << 20) - 1, 1 << 20]
        var succeeded = 0
        // Sandboxes 0...7 and 64...71 share endpoints and notifications pairwise (object sb % 64).
        let group = Array(0..<8) + Array(64..<72)
        let groupSet = Set(group)
        var codes: [Int: Int] = [:]
        var running: [Int] = [], runningInGroup: [Int] = []
        var restarts = 0
        let steps = 60_000
        let elapsed = clock.measure {
            for i in 0..<steps {
                // Mostly a thread that was running at the last refresh (every 50
                // calls), preferring the group; sometimes any thread.
                if i % 50 == 0 {
                    running = (0..<2000).filter { kernel.threads[$0].state == ThreadState.running.rawValue }
                    runningInGroup = running.filter { groupSet.contains($0 / 2) }
                    if running.isEmpty {
                        // Every thread is blocked or inactive: check, then start over.
                        let broken = kernel.checkRepresentation()
                        if !broken.isEmpty { Issue.record("after \(i) calls: \(broken)"); return }
                        kernel = try! Self.bigUniverse()
                        restarts += 1
                        running = (0..<2000).filter { kernel.threads[$0].state == ThreadState.running.rawValue }
                        runningInGroup = running.filter { groupSet.contains($0 / 2) }
                    }
                }
                let t = rng.next() % 16 == 0 ? Int(rng.next() % 2000)
                    : !runningInGroup.isEmpty && rng.next() % 2 == 0 ? pick(runningInGroup) : pick(running)
                let sc = Syscall.allCases[Int(rng.next() % 20)]
                var w: [UInt32] = [0, 0, 0, 0]
                for (j, p) in sc.parameters.enumerated() {
                    switch p.kind {
                    case .slot: w[j] = rng.next() % 8 == 0 ? UInt32(rng.next() % 4097) : pick(slotChoices)
                    case .optionalSlot: w[j] = rng.next() % 3 == 0 ? 0 : pick(slotChoices) + 1
                    case .page: w[j] = rng.next() % 8 == 0 ? UInt32(rng.next() % (1 << 20)) : pick(pageChoices)
                    case .rights: w[j] = UInt32(rng.next() % 9)
                    case .word: w[j] = UInt32(rng.next() % 4)
                    }
                }
                let o = kernel.execute(Call(thread: UInt32(t), syscall: sc, w[0], w[1], w[2], w[3]))
                if o.code > SpecError.peerExited.rawValue { Issue.record("unknown outcome code \(o.code)"); return }
                if o.succeeded { succeeded += 1 }
                codes[Int(o.code), default: 0] += 1
                if (i + 1) % 6_000 == 0 {
                    let broken = kernel.checkRepresentation()
                    if !broken.isEmpty { Issue.record("after \(i + 1) calls: \(broken)"); return }
                }
            }
        }
        print("\(steps) calls in the 1000-sandbox universe: \(succeeded) succeeded, \(restarts) restarts, \(elapsed); outcome codes \(codes.sorted { $0.key < $1.key })")
        #expect(succeeded > 5_000)
        #expect(kernel.checkRepresentation().isEmpty)
    }

    /// Revoke of a derivation chain 1000 sandboxes long: sandbox `i`'s slot
    /// 4095 holds a frame capability derived from sandbox `i-1`'s, each mapped
    /// at page 2^20-1. Revoking at the root removes every descendant and
    /// every mapping they back, visits exactly the descendants, and leaves
    /// everything else alone.
    @Test func revokeOfDeepChainAcrossSandboxes() throws {
        let n = 1000
        let sizes = KernelSizes(sandboxes: n, slotsPerSandbox: 4096, pagesPerSandbox: 1 << 20,
                                endpoints: 1, notifications: 0, frames: 2, threads: n)
        let top = (1 << 20) - 1
        var caps: [Configuration.CapSpec] = []
        var maps: [Configuration.MappingSpec] = []
        for sb in 0..<n {
            caps.append(.init(at: .init(sandbox: sb, slot: 4095), type: .frame, object: 0, rights: [.read, .write],
                              parent: sb > 0 ? .init(sandbox: sb - 1, slot: 4095) : nil))
            caps.append(.init(at: .init(sandbox: sb, slot: 0), type: .frame, object: 1, rights: [.read, .write]))
            maps.append(.init(sandbox: sb, page: top, slot: 4095, rights: [.read, .write]))
            maps.append(.init(sandbox: sb, page: 0, slot: 0, rights: .read))
        }
        let k = try Kernel(sizes: sizes, threads: (0..<n).map { .init(sandbox: $0, running: true) },
                           capabilities: caps, mappings: maps)
        #expect(k.checkRepresentation().isEmpty)
        #expect(k.parent(sandbox: 999, slot: 4095) == .init(sandbox: 998, slot: 4095))
        // A store through the mapping at the top page of the last sandbox is seen by the first.
        #expect(k.execute(.store(n - 1, page: top, value: 42)) == Outcome(code: 0, value: 0))
        #expect(k.execute(.load(0, page: top)) == Outcome(code: 0, value: 42))
        let before = k.mdbVisits
        #expect(k.execute(.capRevoke(0, slot: 4095)) == Outcome(code: 0, value: 0))
        #expect(k.mdbVisits - before == n - 1, "revoke visited \(k.mdbVisits - before) nodes")
        #expect(k.capabilityCount == n + 1)
        #expect(k.capability(sandbox: 0, slot: 4095) != nil)
        #expect(k.mapping(sandbox: 0, page: top) != nil)
        for sb in 1..<n {
            #expect(k.capability(sandbox: sb, slot: 4095) == nil)
            #expect(k.mapping(sandbox: sb, page: top) == nil)
            #expect(k.mapping(sandbox: sb, page: 0) != nil)
        }
        #expect(k.execute(.load(n - 1, page: top)).error == .fault)
        #expect(k.checkRepresentation().isEmpty)
    }

    /// The ends of a kernel-sized address space and capability space: page
    /// 2^20-1 and slot 4095 work, page 2^20 and slot 4096 are rejected by the
    /// kernel with the spec's errors.
    @Test func mapAtTheLastPageAndSlot() throws {
        let sizes = KernelSizes(sandboxes: 2, slotsPerSandbox: 4096, pagesPerSandbox: 1 << 20,
                                endpoints: 0, notifications: 0, frames: 1, threads: 1)
        let k = try Kernel(sizes: sizes, threads: [.init(sandbox: 0, running: true)],
                           capabilities: [.init(at: .init(sandbox: 0, slot: 0), type: .frame, object: 0, rights: [.read, .write])])
        let top = (1 << 20) - 1
        #expect(k.execute(.capCopy(0, src: 0, dst: 4095, rights: .all)).code == 0)
        #expect(k.execute(.capCopy(0, src: 0, dst: 4096, rights: .all)).error == .invalidSlot)
        #expect(k.execute(.map(0, slot: 4095, page: 1 << 20, rights: .read)).error == .invalidPage)
        #expect(k.execute(.map(0, slot: 4095, page: top, rights: [.read, .write])).code == 0)
        #expect(k.mapping(sandbox: 0, page: top)?.slot == 4095)
        #expect(k.execute(.map(0, slot: 0, page: top, rights: .read)).error == .alreadyMapped)
        #expect(k.execute(.store(0, page: top, value: 7)).code == 0)
        #expect(k.execute(.load(0, page: top)) == Outcome(code: 0, value: 7))
        #expect(k.execute(.capMove(0, src: 4095, dst: 17)).code == 0)
        #expect(k.mapping(sandbox: 0, page: top)?.slot == 17)
        #expect(k.execute(.protect(0, page: top, rights: .read)).code == 0)
        #expect(k.execute(.store(0, page: top, value: 8)).error == .fault)
        #expect(k.execute(.unmap(0, page: top)).code == 0)
        #expect(k.execute(.unmap(0, page: top)).error == .notMapped)
        #expect(k.checkRepresentation().isEmpty)
    }
}

// MARK: - The register-level ABI

extension KernelDifferentialTests {
    /// Each malformed word class is rejected with its `ABIError`, in the
    /// documented order, and the kernel's state does not change.
    @Test func decoderRejectsEachMalformedWordClass() {
        typealias D = ABIDecoder
        func dec(_ t: UInt64, _ n: UInt64, _ a: UInt64...) -> Result<Call, ABIError> {
            let w = a + Array(repeating: 0, count: 5 - a.count)
            return D.decode(thread: t, number: n, w[0], w[1], w[2], w[3], w[4])
        }
        #expect(dec(0, 20) == .failure(.unknownSyscall(number: 20)))
        #expect(dec(0, UInt64.max) == .failure(.unknownSyscall(number: UInt64.max)))
        #expect(dec(0, 1 << 32) == .failure(.unknownSyscall(number: 1 << 32)))
        #expect(dec(1 << 32, 19) == .failure(.threadTooWide(1 << 32)))
        #expect(dec(0, 0, 1 << 32, 0, 0) == .failure(.argumentTooWide(index: 0, value: 1 << 32)))
        #expect(dec(0, 1, 0, 1, 3, UInt64.max) == .failure(.argumentTooWide(index: 3, value: UInt64.max)))
        #expect(dec(0, 0, 0, 1, 8) == .failure(.unknownRightsBits(index: 2, value: 8)))
        #expect(dec(0, 7, 0, 0x10) == .failure(.unknownRightsBits(index: 1, value: 0x10)))
        #expect(dec(0, 5, 0, 0, 0xFFFF_FFFF) == .failure(.unknownRightsBits(index: 2, value: 0xFFFF_FFFF)))
        #expect(dec(0, 19, 1) == .failure(.unusedArgumentNotZero(index: 0, value: 1)))
        #expect(dec(0, 3, 0, 5) == .failure(.unusedArgumentNotZero(index: 1, value: 5)))
        #expect(dec(0, 1, 0, 1, 3, 9, 1) == .failure(.unusedArgumentNotZero(index: 4, value: 1)))
        // Order: number, then thread, then words left to right.
        #expect(dec(1 << 40, 99, 1 << 40) == .failure(.unknownSyscall(number: 99)))
        #expect(dec(1 << 40, 0, 1 << 40) == .failure(.threadTooWide(1 << 40)))
        #expect(dec(0, 0, 1 << 40, 0, 8) == .failure(.argumentTooWide(index: 0, value: 1 << 40)))
        // Errnos.
        #expect(ABIError.unknownSyscall(number: 20).errno == 38)
        #expect(ABIError.unusedArgumentNotZero(index: 0, value: 1).errno == 22)
        // Values the spec rejects itself are decoded and passed on.
        #expect(dec(0, 0, 77, 1, 3) == .success(.capCopy(0, src: 77, dst: 1, rights: [.read, .write])))
        #expect(dec(999, 19) == .success(.exit(999)))
        #expect(dec(0, 1, 0, 1, 3, 0) == .success(.capMint(0, src: 0, dst: 1, rights: [.read, .write], badge: 0)))
        #expect(dec(0, 5, 1, 0, 4) == .success(.map(0, slot: 1, page: 0, rights: .grant)))

        // Through the kernel: rejected words give -errno and the ABIError code, and change nothing.
        let k = Kernel(.default)
        let before = k.abstraction()
        let r = k.syscall(thread: 0, number: 0, 0, 1, 8, 0, 0)
        #expect(r.error == UInt64(bitPattern: -22) && r.value == ABIError.unknownRightsBits(index: 2, value: 8).code)
        let r2 = k.syscall(thread: 0, number: 123, 0, 0, 0, 0, 0)
        #expect(r2.error == UInt64(bitPattern: -38) && r2.value == 1)
        #expect(k.abstraction() == before)
        // A spec-level error through the ABI: error = SpecError raw value.
        #expect(k.syscall(thread: 0, number: 5, 1, 0, 4, 0, 0) == (0, UInt64(SpecError.invalidArgument.rawValue)))
        #expect(k.syscall(thread: 7, number: 19, 0, 0, 0, 0, 0) == (0, UInt64(SpecError.invalidThread.rawValue)))
        // And a successful load returns the value in `value`.
        #expect(k.syscall(thread: 0, number: 9, 0, 5, 0, 0, 0).error == UInt64(SpecError.fault.rawValue)) // page mapped R only
        #expect(k.syscall(thread: 0, number: 8, 0, 0, 0, 0, 0) == (0, 0))
    }

    /// Every call of the alphabet encodes to words that decode to it.
    @Test(arguments: allPresetNames)
    func encodeDecodeRoundTrip(_ name: String) {
        let config = preset(name)
        for c in CallAlphabet.standard.calls(for: config) {
            let (t, n, a) = ABIDecoder.encode(c)
            #expect(ABIDecoder.decode(thread: t, number: n, a[0], a[1], a[2], a[3], a[4]) == .success(c))
        }
    }

    /// Random 64-bit words (biased towards small values so that many decode
    /// and some succeed): the decoder never traps; words that decode run in
    /// lockstep with the spec; rejected words change nothing and report
    /// `-errno`.
    @Test(arguments: ["default", "large"])
    func randomWordsNeverCrashAndAgreeWithSpec(_ name: String) {
        let config = preset(name)
        var rng = SplitMix64(seed: 0xAB1 + UInt64(config.name.count))
        func word() -> UInt64 {
            switch rng.next() % 10 {
            case 0, 1, 2: return 0
            case 3, 4, 5, 6: return rng.next() % 8
            case 7: return rng.next() % 40
            case 8: return UInt64(UInt32.max) - rng.next() % 3 + (rng.next() % 2 == 0 ? 0 : 1 << 32)
            default: return rng.next()
            }
        }
        var ls = Lockstep(config, entry: .registers)
        var history = 0
        var decoded = 0, rejected = 0, succeeded = 0
        for i in 0..<30_000 {
            if history >= 300 || running(ls).isEmpty { ls = Lockstep(config, entry: .registers); history = 0 }
            let number = rng.next() % 8 == 0 ? word() : rng.next() % 20
            let thread = rng.next() % 8 == 0 ? word() : rng.next() % UInt64(config.threads.count)
            // Words a call uses are random; unused ones mostly 0 (else nearly everything is rejected).
            let used = number < 20 ? Syscall(rawValue: UInt32(number))!.parameters.count : 0
            let a = (0..<5).map { i in i < used || rng.next() % 16 == 0 ? word() : 0 }
            switch ABIDecoder.decode(thread: thread, number: number, a[0], a[1], a[2], a[3], a[4]) {
            case .success(let call):
                decoded += 1
                // The lockstep enters the kernel with the call's encoding: the words themselves.
                let enc = ABIDecoder.encode(call)
                #expect(enc.thread == thread && enc.number == number && enc.arguments == a)
                let before = ls.state
                let expected = ls.step(call)
                history += 1
                if let d = ls.divergence {
                    Issue.record("#\(i) \(d)\nfrom\n\(ls.spec.render(before))")
                    return
                }
                if expected.succeeded { succeeded += 1 }
            case .failure(let e):
                rejected += 1
                let r = ls.kernel.syscall(thread: thread, number: number, a[0], a[1], a[2], a[3], a[4])
                #expect(r.error == e.errorWord && r.value == e.code && r.error >= 1 << 63)
                if !ls.stateDifference.isEmpty { Issue.record("rejected words changed the state"); return }
            }
        }
        #expect(ls.kernel.checkRepresentation().isEmpty)
        print("\(config.name): 30000 random word sets, \(decoded) decoded (\(succeeded) succeeded), \(rejected) rejected")
        #expect(decoded > 5_000 && rejected > 5_000 && succeeded > 500)
    }
}

// MARK: - The MDB

extension KernelDifferentialTests {
    /// A spec-sized universe with room for a tree: two sandboxes of 8 slots.
    /// Sandbox 0: endpoint root in 0; sandbox 1: its child in 0; the tree
    /// below is built by the tests with cap_copy.
    static let tree = Configuration(
        name: "tree", sandboxes: 2, slotsPerSandbox: 8, pagesPerSandbox: 2, endpoints: 1, notifications: 0, frames: 1,
        threads: [.init(sandbox: 0, running: true), .init(sandbox: 1, running: true)],
        capabilities: [
            .init(at: .init(sandbox: 0, slot: 0), type: .endpoint, object: 0, rights: .all),
            .init(at: .init(sandbox: 1, slot: 0), type: .endpoint, object: 0, rights: .all, parent: .init(sandbox: 0, slot: 0)),
            .init(at: .init(sandbox: 0, slot: 7), type: .frame, object: 0, rights: [.read, .write]),
        ])

    /// The MDB list as (sandbox, slot, depth), head first.
    static func mdbOrder(_ k: Kernel) -> [(Int, Int, Int)] {
        k.mdbNodes.map { ($0.sandbox, $0.slot, $0.depth) }
    }

    /// Runs `calls` on the tree universe in lockstep with the spec.
    static func treeRun(_ calls: [Call]) -> Lockstep {
        var ls = Lockstep(tree, checksRepresentation: true)
        for c in calls {
            let o = ls.step(c)
            #expect(ls.divergence == nil, "\(ls.divergence.map(String.init(describing:)) ?? "")")
            #expect(o.code == 0, "\(c) -> \(o)")
        }
        return ls
    }

    /// Deleting an inner node: its children move up to its parent, its
    /// grandchildren stay below their parents, and prefix order holds.
    @Test func deleteReparentsChildren() {
        // s0.0 -> s1.0 -> {s1.1 -> s1.3, s1.2}
        let ls = Self.treeRun([
            .capCopy(1, src: 0, dst: 1, rights: .all), .capCopy(1, src: 0, dst: 2, rights: .all),
            .capCopy(1, src: 1, dst: 3, rights: .all), .capDelete(1, slot: 0),
        ])
        let k = ls.kernel
        #expect(k.parent(sandbox: 1, slot: 1) == .init(sandbox: 0, slot: 0))
        #expect(k.parent(sandbox: 1, slot: 2) == .init(sandbox: 0, slot: 0))
        #expect(k.parent(sandbox: 1, slot: 3) == .init(sandbox: 1, slot: 1))
        #expect(k.capability(sandbox: 1, slot: 0) == nil)
        let order = Self.mdbOrder(k).filter { $0.0 != 0 || $0.1 != 7 }
        #expect(order.map { "\($0.0).\($0.1)@\($0.2)" } == ["0.0@0", "1.2@1", "1.1@1", "1.3@2"])
        // Deleting a root makes its children roots.
        var ls2 = ls
        ls2.step(.capDelete(0, slot: 0))
        #expect(ls2.divergence == nil, "\(ls2.divergence.map(String.init(describing:)) ?? "")")
        #expect(ls2.kernel.parent(sandbox: 1, slot: 1) == nil)
        #expect(ls2.kernel.parent(sandbox: 1, slot: 3) == .init(sandbox: 1, slot: 1))
    }

    /// Revoke visits exactly the descendants, however many other
    /// capabilities the MDB holds (10,000 unrelated roots here).
    @Test func revokeCostOnlyTouchesDescendants() throws {
        let sizes = KernelSizes(sandboxes: 4, slotsPerSandbox: 4096, pagesPerSandbox: 16, endpoints: 1,
                                notifications: 1, frames: 1, threads: 1)
        var caps: [Configuration.CapSpec] = [
            .init(at: .init(sandbox: 0, slot: 0), type: .endpoint, object: 0, rights: .all),
        ]
        for i in 0..<10_000 {
            caps.append(.init(at: .init(sandbox: 1 + i / 4096, slot: i % 4096), type: .notification, object: 0, rights: .all.intersection([.read, .write])))
        }
        let k = try Kernel(sizes: sizes, threads: [.init(sandbox: 0, running: true)], capabilities: caps)
        for d in 1...5 { #expect(k.execute(.capCopy(0, src: d - 1, dst: d, rights: .all)).code == 0) }   // a chain of 5
        #expect(k.execute(.capCopy(0, src: 0, dst: 6, rights: .all)).code == 0)                           // plus a sibling
        let before = k.mdbVisits
        #expect(k.execute(.capRevoke(0, slot: 2)).code == 0)    // descendants: 3, 4, 5
        #expect(k.mdbVisits - before == 3)
        #expect(k.capability(sandbox: 0, slot: 2) != nil && k.capability(sandbox: 0, slot: 3) == nil)
        let mid = k.mdbVisits
        #expect(k.execute(.capRevoke(0, slot: 0)).code == 0)    // descendants: 1, 2, 6
        #expect(k.mdbVisits - mid == 3)
        #expect(k.capabilityCount == 10_001)
        #expect(k.checkRepresentation().isEmpty)
    }

    /// cap_move keeps the node's list position; only its slot changes, and its
    /// children (also in other sandboxes) now hang below the new slot.
    @Test func moveKeepsListPosition() {
        var ls = Self.treeRun([
            .capCopy(1, src: 0, dst: 1, rights: .all), .capCopy(1, src: 1, dst: 2, rights: .all),
            .map(0, slot: 7, page: 1, rights: .read),
        ])
        let before = Self.mdbOrder(ls.kernel).map { "\($0.0).\($0.1)@\($0.2)" }
        ls.step(.capMove(1, src: 1, dst: 5))
        #expect(ls.divergence == nil, "\(ls.divergence.map(String.init(describing:)) ?? "")")
        let after = Self.mdbOrder(ls.kernel).map { "\($0.0).\($0.1)@\($0.2)" }
        #expect(after == before.map { $0 == "1.1@2" ? "1.5@2" : $0 })
        #expect(ls.kernel.parent(sandbox: 1, slot: 2) == .init(sandbox: 1, slot: 5))
        #expect(ls.kernel.parent(sandbox: 1, slot: 5) == .init(sandbox: 1, slot: 0))
        // Moving a root (the head of the list) that backs a mapping.
        ls.step(.capMove(0, src: 7, dst: 3))
        #expect(ls.divergence == nil, "\(ls.divergence.map(String.init(describing:)) ?? "")")
        #expect(ls.kernel.mapping(sandbox: 0, page: 1)?.slot == 3)
        ls.step(.capMove(0, src: 0, dst: 6))
        #expect(ls.divergence == nil, "\(ls.divergence.map(String.init(describing:)) ?? "")")
        #expect(ls.kernel.parent(sandbox: 1, slot: 0) == .init(sandbox: 0, slot: 6))
    }

    /// The kernel's literal encodings (thread states, capability types,
    /// rights, outcome codes) are the specification's.
    @Test func kernelEncodingsAreTheSpecifications() {
        #expect(Encoding.matchesSpecification)
    }

    /// The tables the kernel keeps in its own memory grow in place and keep
    /// their contents.
    @Test func tablesGrowAndKeepTheirContents() {
        var t = Table<Int32>(repeating: 7, count: 3)
        defer { t.deallocate() }
        for i in 0..<100 { t.append(repeating: Int32(i), count: i % 5) }
        t[1] = 8
        var expected: [Int32] = [7, 8, 7]
        for i in 0..<100 { expected += Array(repeating: Int32(i), count: i % 5) }
        #expect(t.count == expected.count && t.array == expected)
    }

    /// Kernel-only set-up errors name the field, like `Configuration.validate()`.
    @Test func kernelSetUpRejectsBadUniverses() {
        let sizes = KernelSizes(sandboxes: 2, slotsPerSandbox: 4096, pagesPerSandbox: 1 << 20, endpoints: 1,
                                notifications: 0, frames: 1, threads: 1)
        let th: [Configuration.ThreadSpec] = [.init(sandbox: 0, running: true)]
        #expect(throws: ConfigurationError.self) {
            try Kernel(sizes: sizes, threads: th, capabilities: [.init(at: .init(sandbox: 0, slot: 4096), type: .frame, object: 0, rights: .read)])
        }
        #expect(throws: ConfigurationError.self) {
            try Kernel(sizes: sizes, threads: th, capabilities: [.init(at: .init(sandbox: 0, slot: 1), type: .frame, object: 0, rights: .read,
                                                                       parent: .init(sandbox: 1, slot: 0))])
        }
        #expect(throws: ConfigurationError.self) {
            try Kernel(sizes: sizes, threads: th, capabilities: [.init(at: .init(sandbox: 0, slot: 1), type: .frame, object: 0, rights: .read)],
                       mappings: [.init(sandbox: 0, page: 1 << 20, slot: 1, rights: .read)])
        }
        var bad = sizes; bad.slotsPerSandbox = 0
        #expect(throws: ConfigurationError.self) { try Kernel(sizes: bad, threads: th, capabilities: []) }
    }
}
