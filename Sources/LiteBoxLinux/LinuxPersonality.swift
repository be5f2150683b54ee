// The Linux personality: replays a parsed strace log onto LiteBox objects,
// with kernel and specification in lockstep, and compares LiteBox's decisions
// with what Linux returned (a three-way differential test: Linux, kernel, spec).
//
// The mapping, one file per aspect:
// - LinuxPersonality.swift          the universe, the host, dispatch, reporting
// - LinuxPersonality+Files.swift    file descriptors as capabilities
// - LinuxPersonality+Memory.swift   mappings as pages backed by frames
// - LinuxPersonality+Threads.swift  processes, threads, futexes, exit
// - LinuxCalls.swift                which Linux calls are modeled, and how

import LiteBoxABI
import LiteBoxFormats
import LiteBoxKernel
import LiteBoxRefinement
import LiteBoxSpec
import StraceImport

/// Replays one strace log through the Linux personality.
///
/// The universe: sandbox 0 is the *host* (the personality's own server: one
/// thread that holds a capability to every object and hands them out over
/// the endpoint), and each Linux process is one more sandbox; each Linux
/// thread is a LiteBox thread of its process's sandbox. A process's slots
/// are carved as
///
/// | slots | meaning |
/// |---|---|
/// | `0 ..< fdSlots` | file descriptors: fd `n` is slot `n` |
/// | `fdSlots ..< fdSlots + objectSlots` | frame capabilities backing mappings, futex notifications |
/// | `C - 3` | a scratch slot for probes |
/// | `C - 2` | the directory capability through which paths are looked up |
/// | `C - 1` | the host endpoint (`RWG`) |
///
/// and its pages are its mappings: one LiteBox page per Linux mapping region
/// (a maximal address range mapped by one call and not split since), backed
/// by one frame. Host objects handed out: every open file description
/// (file, pipe end, socket, eventfd, ...) is a notification whose
/// capability's rights come from the open mode; every futex word of a
/// process is a notification; every mapping region is a frame. An object is
/// handed out by a capability derivation and an IPC grant (`cap_copy` into
/// the host's staging slot, `send` with grant, the process thread's `recv`
/// into the chosen slot, `cap_delete` of the staging slot), so nothing the
/// personality does bypasses the specification.
///
/// The universe is sized to the log: a first estimate from counting calls,
/// and when a pool runs out the replay starts over with that pool doubled.
public struct LinuxReplay {
    /// A difference between LiteBox's decision and Linux's recorded result.
    public struct Mismatch: Sendable, Equatable {
        /// Where the call is.
        public var location: StraceLocation
        /// The call, as `name(...) = result`.
        public var call: String
        /// What LiteBox decided and what Linux returned.
        public var reason: String
    }

    /// The result of a replay.
    public struct Report: Sendable {
        /// The syscalls in the log.
        public var calls = 0
        /// The syscalls the personality translated (see `LinuxCalls`).
        public var modeled = 0
        /// Of `modeled`, the path lookups (modeled as a check of the directory capability).
        public var pathLookups = 0
        /// The LiteBox calls issued to kernel and spec.
        public var liteboxCalls = 0
        /// Disagreements between kernel and specification (must be none).
        public var divergences: [Lockstep.Divergence] = []
        /// Differences between LiteBox's decisions and Linux's results.
        public var mismatches: [Mismatch] = []
        /// The calls outside the model, by name, with their counts.
        public var unmodeled: [String: Int] = [:]
        /// The configuration the replay ran on.
        public var configuration: Configuration?
        /// How many times the universe was enlarged and the replay restarted.
        public var restarts = 0
        /// Futex waits Linux woke in another order than LiteBox's FIFO queue,
        /// where the log cannot order their arrival (see `LinuxPersonality+Threads.swift`).
        public var reorderedWaiters = 0
        /// The LiteBox calls issued, as a trace (replayable with `verify replay`).
        public var trace: [Trace.Entry] = []

        /// The share of calls modeled, in percent (100 for an empty log).
        public var modeledPercent: Double { calls == 0 ? 100 : 100 * Double(modeled) / Double(calls) }
    }

    /// Why a replay could not run at all: the log is impossible (a result
    /// Linux cannot give), or it needs a universe beyond the specification's
    /// limits.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The call the failure is about, when there is one.
        public var location: StraceLocation?
        /// The reason.
        public var reason: String

        /// A failure about the call at `location`, or about the whole log.
        public init(location: StraceLocation? = nil, reason: String) {
            self.location = location
            self.reason = reason
        }

        /// `FILE:LINE: reason`, or the reason alone.
        public var description: String { location.map { "\($0): \(reason)" } ?? reason }
    }

    /// Replays `log`. Throws (`Failure`) when the log is impossible or needs
    /// a universe beyond the specification's limits.
    ///
    /// When a pool runs out, the replay restarts with that pool grown: to the
    /// size the failing call needs when it says (a descriptor number), and
    /// at least doubled. A universe beyond the limits is reported at the call
    /// that needed it.
    ///
    /// `restarting`, when given, is told each time a pool runs out, before
    /// the replay starts over (a replay near the limits is slow, so a tool
    /// shows why it is replaying again): where, which call, which pool and
    /// its old and new sizes, and the slots of the universe replayed next.
    public static func run(_ log: StraceLog, restarting: ((String) -> Void)? = nil) throws -> Report {
        let cast = try Cast(log)
        var sizes = Sizes(estimatingFrom: log)
        try fitToLimits(&sizes, cast: cast, first: nil)
        var restarts = 0
        while true {
            do {
                var p = Personality(log: log, cast: cast, sizes: sizes)
                try p.replay()
                var report = p.report
                report.restarts = restarts
                return report
            } catch let full as PoolExhausted {
                let old = sizes.size(of: full.pool)
                sizes.needs[full.pool] = Need(size: max(full.needed ?? old + 1, old + 1), location: full.location, call: full.call)
                sizes.grow(full.pool, atLeast: full.needed)
                try fitToLimits(&sizes, cast: cast, first: full.pool)
                restarts += 1
                let slots = cast.sandboxes * Personality.SlotPlan(threads: cast.sandboxOfThread.count, sizes: sizes).slotsPerSandbox
                restarting?("\(full.location): `\(full.call)` ran out of \(full.pool.rawValue) (\(old)); "
                            + "replaying again with \(sizes.size(of: full.pool)) (\(slots) slots in all)")
            }
        }
    }

    /// Makes `sizes` fit the specification's limits. When they do not, every
    /// pool starts from what the log is known to need of it (`Sizes.needs`)
    /// and grows back towards its size in `sizes`, but to at most twice that
    /// need or its standard size (`Sizes.standard`), whichever is more (a
    /// replay's cost grows with the square of the universe, so a universe
    /// at the limits is no place to leave headroom), each to the largest
    /// size that fits, `first` (the pool that last ran out) first. Throws when
    /// even the known needs do not fit: at the call that showed a need
    /// (`first`'s, or else another pool's), or for the whole log (its
    /// processes and threads alone are too many). Only configurations are
    /// built here, nothing is replayed, so this is cheap.
    static func fitToLimits(_ sizes: inout Sizes, cast: Cast, first: Pool?) throws(Failure) {
        func excess(_ s: Sizes) -> ConfigurationError? {
            do { _ = try Personality.configuration(cast: cast, sizes: s); return nil } catch { return error.error }
        }
        if excess(sizes) == nil { return }
        var fitted = sizes
        for pool in Pool.allCases { fitted.set(pool, min(sizes.size(of: pool), sizes.need(pool).size)) }
        if let tooLarge = excess(fitted) {
            let shown = ([first].compactMap { $0 } + Pool.allCases).first { sizes.need($0).call != nil }
            guard let pool = shown, let call = sizes.need(pool).call else {
                throw Failure(reason: "the log needs a universe beyond the specification's limits even with the smallest pools: \(tooLarge)")
            }
            let need = sizes.need(pool)
            throw Failure(location: need.location, reason: "`\(call)` needs \(need.size) \(pool.rawValue), so the universe "
                          + "would be beyond the specification's limits: \(tooLarge)")
        }
        for pool in [first].compactMap({ $0 }) + Pool.allCases.filter({ $0 != first }) {
            var fits = fitted.size(of: pool), tooBig = min(sizes.size(of: pool), max(2 * sizes.need(pool).size, Sizes.standard(pool)))
            if tooBig <= fits { continue }
            var trial = fitted
            trial.set(pool, tooBig)
            if excess(trial) == nil { fitted = trial; continue }
            // The largest size in fits..<tooBig that fits (the universe only grows with a pool).
            while tooBig - fits > 1 {
                let mid = (fits + tooBig) / 2
                trial.set(pool, mid)
                if excess(trial) == nil { fits = mid } else { tooBig = mid }
            }
            fitted.set(pool, fits)
        }
        sizes = fitted
    }
}

/// A pool of the universe that ran out.
enum Pool: String, CaseIterable, Sendable {
    case fdSlots = "file-descriptor slots", objectSlots = "object slots per process"
    case notifications, frames
}

/// What a log is known to need of a pool: a size, and the call that showed
/// it (none for the least a replay works with).
struct Need: Sendable {
    var size: Int
    var location: StraceLocation?
    var call: String?
}

/// Thrown when the universe a log needs is beyond the specification's limits.
struct BeyondLimits: Error { var error: ConfigurationError }

/// Thrown when a pool runs out; the replay restarts with the pool grown.
struct PoolExhausted: Error {
    /// The pool.
    var pool: Pool
    /// The size the failing call needs, when it says (a descriptor number + 1).
    var needed: Int?
    /// Where the call that ran out is (filled in by `Personality.replay`).
    var location = StraceLocation(file: "", line: 0)
    /// That call, rendered.
    var call = ""

    init(pool: Pool, needed: Int? = nil) {
        self.pool = pool
        self.needed = needed
    }
}

/// The sizes of the universe a log replays in.
struct Sizes: Sendable {
    /// File-descriptor slots per process.
    var fdSlots = Sizes.standard(.fdSlots)
    /// Object slots per process (frames backing mappings, futex words).
    var objectSlots = Sizes.standard(.objectSlots)
    /// Notifications (open file descriptions and futex words) in all.
    var notifications = Sizes.standard(.notifications)
    /// Frames (mapping regions) in all.
    var frames = Sizes.standard(.frames)

    /// The size of `pool` before the first estimate from the log.
    static func standard(_ pool: Pool) -> Int {
        switch pool {
        case .fdSlots: return 32
        case .objectSlots: return 64
        case .notifications: return 16
        case .frames: return 64
        }
    }
    /// Per pool, the least the log is known to need (`need(_:)`): set by
    /// the first estimate (descriptor numbers) and by each pool that runs
    /// out; otherwise the least a replay works with.
    var needs: [Pool: Need] = [:]

    /// What the log is known to need of `pool`: `needs[pool]`, or the least a
    /// replay works with (stdio's three descriptors, the directory's and
    /// stdio's four notifications, one object slot and one frame).
    func need(_ pool: Pool) -> Need {
        if let n = needs[pool] { return n }
        switch pool {
        case .fdSlots: return Need(size: 3)
        case .objectSlots, .frames: return Need(size: 1)
        case .notifications: return Need(size: 4)
        }
    }

    /// A first estimate from the numbers of calls that create objects, and
    /// descriptor slots enough for the highest descriptor a successful
    /// `create` or `dup` returns (Linux allocates the lowest free one, so
    /// that is the table the log needed).
    init(estimatingFrom log: StraceLog) {
        var creates = 0, memory = 0
        for c in log.calls {
            switch LinuxCalls.kind(of: c.name) {
            case .create, .duplicate:
                creates += 1
                if let r = c.returnValue, r >= Int64(fdSlots), r < Int64(Configuration.maxTotalSlots) {
                    fdSlots = Int(r) + 1
                    needs[.fdSlots] = Need(size: fdSlots, location: c.start, call: LinuxCalls.render(c))
                }
            case .createPair, .futex: creates += 1
            case .memory: memory += 1
            default: break
            }
        }
        // Objects return to the pools when released, so the peak is usually
        // far below the number of calls that create them; a pool that runs
        // out doubles (and the replay restarts).
        notifications = 8 + min(2 * creates, 120)
        frames = 16 + min(2 * memory, 240)
        objectSlots = 16 + min(2 * memory, 240)
    }

    /// Doubles `pool`, or grows it to `needed` if that is more.
    mutating func grow(_ pool: Pool, atLeast needed: Int?) {
        set(pool, max(2 * size(of: pool), needed ?? 0))
    }

    /// Sets the size of `pool`.
    mutating func set(_ pool: Pool, _ size: Int) {
        switch pool {
        case .fdSlots: fdSlots = size
        case .objectSlots: objectSlots = size
        case .notifications: notifications = size
        case .frames: frames = size
        }
    }

    /// The size of `pool`.
    func size(of pool: Pool) -> Int {
        switch pool {
        case .fdSlots: return fdSlots
        case .objectSlots: return objectSlots
        case .notifications: return notifications
        case .frames: return frames
        }
    }
}

/// A futex word of a process.
struct FutexKey: Hashable {
    var process: Int
    var addr: UInt64
}

/// One mapping region of a process: a LiteBox page backed by one frame capability.
struct Region {
    var start: UInt64
    var end: UInt64
    /// The LiteBox page.
    var page: Int
    /// The object slot of the frame capability backing it.
    var slot: Int
    /// Whether it was mapped `MAP_SHARED` (a fork shares it instead of copying it).
    var shared: Bool
}

/// A Linux process: one sandbox.
struct Process {
    var sandbox: Int
    /// Live LiteBox threads.
    var threads: [Int] = []
    /// Descriptors with close-on-exec set.
    var cloexec: Set<Int> = []
    /// Mapping regions, sorted by start.
    var regions: [Region] = []
    /// The futex words used so far, with the object slot of their notification.
    var futexes: [UInt64: Int] = [:]
    /// Where the heap starts (the first break `brk` reported).
    var heapStart: UInt64?
}

/// The replay engine for one universe size.
struct Personality {
    let log: StraceLog
    let sizes: Sizes
    var lock: Lockstep
    var report = LinuxReplay.Report()

    /// Slots per sandbox, and the fixed slots of a process.
    let C: Int
    var probeSlot: Int { C - 3 }
    var directorySlot: Int { C - 2 }
    var endpointSlot: Int { C - 1 }
    /// Where the host keeps its capabilities.
    static let hostThreadCaps = 1
    let hostNotifications: Int, hostFrames: Int
    var hostStage: Int { C - 1 }

    /// Who is who (`Cast`), and as of the current event: Linux tid ->
    /// LiteBox thread, LiteBox thread -> process (-1 for the host).
    let cast: Cast
    var threadOf: [Int: Int] = [:]
    var processOfThread: [Int]
    var processes: [Process]
    /// The thread running from the start, until its start is applied.
    var initiallyRunning = -1
    /// Threads started in LiteBox (spawned, or running from the start).
    var started: Set<Int> = []
    /// The clear-tid futex address of each LiteBox thread (`set_tid_address`, `CLONE_CHILD_CLEARTID`).
    var clearTid: [Int: UInt64] = [:]
    /// One-line calls whose completion is still to be processed, by thread.
    var pendingCompletion: [Int: StraceCall] = [:]
    /// Calls split in the log that take effect where they return and have
    /// not yet, by thread (`takesEffectAtEnd`).
    var deferredEffects: [Int: StraceCall] = [:]
    /// Threads LiteBox woke from a futex wait whose Linux wait has not returned yet, with the word.
    var liteboxWoken: [Int: UInt64] = [:]
    /// Wakes LiteBox gave to threads whose Linux wait then ended without one, per futex word.
    var spentWakes: [FutexKey: Int] = [:]
    /// Host pools: the objects no process holds a capability to, and how many
    /// capabilities processes hold to each (an object returns to its pool
    /// when the last one is deleted). Notification 0 (the directory) and the
    /// first process's stdio (1, 2, 3) are never in the pool.
    var freeNotifications: [Int]
    var notificationUsers: [Int]
    var freeFrames: [Int]
    var frameUsers: [Int]
    /// Where the call being translated is, for reports.
    var here = StraceLocation(file: "", line: 0)
    var hereCall = ""

    static let hostThread = 0

    /// The replay of `log`, cast as `cast`, in the universe of `sizes`
    /// (which must fit the specification's limits: `fitToLimits`).
    init(log: StraceLog, cast: Cast, sizes: Sizes) {
        self.log = log
        self.sizes = sizes
        self.cast = cast
        processes = cast.sandboxOfProcess.map { Process(sandbox: $0) }
        let threads = cast.sandboxOfThread.count
        processOfThread = Array(repeating: -1, count: threads)
        let plan = SlotPlan(threads: threads, sizes: sizes)
        hostNotifications = plan.hostNotifications
        hostFrames = plan.hostFrames
        C = plan.slotsPerSandbox
        freeFrames = Array((0..<sizes.frames).reversed())
        frameUsers = Array(repeating: 0, count: sizes.frames)
        freeNotifications = Array((4..<max(4, sizes.notifications)).reversed())
        notificationUsers = Array(repeating: 0, count: sizes.notifications)
        for n in 1...3 where n < sizes.notifications { notificationUsers[n] = 1 }
        let config: Configuration
        do { config = try Personality.configuration(cast: cast, sizes: sizes) } catch {
            preconditionFailure("sizes beyond the limits reach the replay: \(error.error)")
        }
        lock = Lockstep(config, records: true)
        report.configuration = config
        let firstThread = Personality.firstThread(cast)
        started = [0, firstThread]
        initiallyRunning = firstThread
    }

    /// Where the host's capabilities are and how many slots a sandbox has.
    struct SlotPlan {
        /// The host's first notification capability (after its endpoint and one thread capability per thread).
        var hostNotifications: Int
        /// The host's first frame capability.
        var hostFrames: Int
        /// Slots per sandbox: the host's capabilities and staging slot, or a
        /// process's descriptors, object slots and three fixed slots.
        var slotsPerSandbox: Int

        init(threads: Int, sizes: Sizes) {
            hostNotifications = Personality.hostThreadCaps + threads
            hostFrames = hostNotifications + sizes.notifications
            slotsPerSandbox = max(hostFrames + sizes.frames + 1, sizes.fdSlots + sizes.objectSlots + 3)
        }
    }

    /// The first thread of the log, which runs from the start (every other is spawned); -1 for none.
    static func firstThread(_ cast: Cast) -> Int {
        cast.starts.keys.min().flatMap { cast.starts[$0]?.first }?.thread ?? -1
    }

    /// The initial state of a replay as a configuration: the host's
    /// capabilities, each process's directory and endpoint capabilities, the
    /// first process's stdio, the host thread and the first process's first
    /// thread running. Throws when it is beyond the specification's limits.
    static func configuration(cast: Cast, sizes: Sizes) throws(BeyondLimits) -> Configuration {
        let threads = cast.sandboxOfThread.count
        let plan = SlotPlan(threads: threads, sizes: sizes)
        let C = plan.slotsPerSandbox
        typealias Ref = Configuration.SlotRef
        var caps: [Configuration.CapSpec] = [
            .init(at: Ref(sandbox: 0, slot: 0), type: .endpoint, object: 0, rights: .all)
        ]
        for t in 0..<threads {
            caps.append(.init(at: Ref(sandbox: 0, slot: hostThreadCaps + t), type: .thread, object: t, rights: .write))
        }
        for n in 0..<sizes.notifications {
            caps.append(.init(at: Ref(sandbox: 0, slot: plan.hostNotifications + n), type: .notification, object: n,
                              rights: [.read, .write]))
        }
        for f in 0..<sizes.frames {
            caps.append(.init(at: Ref(sandbox: 0, slot: plan.hostFrames + f), type: .frame, object: f, rights: [.read, .write]))
        }
        for sb in 1..<cast.sandboxes {
            caps.append(.init(at: Ref(sandbox: sb, slot: C - 1), type: .endpoint, object: 0, rights: .all,
                              parent: Ref(sandbox: 0, slot: 0)))
            caps.append(.init(at: Ref(sandbox: sb, slot: C - 2), type: .notification, object: 0, rights: .read,
                              parent: Ref(sandbox: 0, slot: plan.hostNotifications)))
        }
        // stdin, stdout, stderr of the first process: notifications 1, 2, 3.
        for fd in 0..<3 {
            caps.append(.init(at: Ref(sandbox: 1, slot: fd), type: .notification, object: 1 + fd,
                              rights: [.read, .write], parent: Ref(sandbox: 0, slot: plan.hostNotifications + 1 + fd)))
        }
        let firstThread = Personality.firstThread(cast)
        let sandboxOfThread = cast.sandboxOfThread
        let config = Configuration(
            name: "linux", sandboxes: cast.sandboxes, slotsPerSandbox: C,
            pagesPerSandbox: sizes.objectSlots, endpoints: 1, notifications: sizes.notifications, frames: sizes.frames,
            threads: (0..<threads).map { .init(sandbox: sandboxOfThread[$0], running: $0 == 0 || $0 == firstThread) },
            capabilities: caps)
        do { try config.validate() } catch { throw BeyondLimits(error: error) }
        return config
    }

    /// Thread starts at event `i` (see `Cast`): from now on the tid is this
    /// LiteBox thread, of this process, and it is spawned at its first call
    /// (unless it is the thread that runs from the start).
    mutating func applyStarts(at i: Int) {
        for s in cast.starts[i] ?? [] {
            threadOf[s.tid] = s.thread
            processOfThread[s.thread] = s.process
            processes[s.process].threads.append(s.thread)
            clearTid[s.thread] = nil
            if s.thread == initiallyRunning { initiallyRunning = -1 } else { started.remove(s.thread) }
        }
    }

    // MARK: Replay

    /// Replays every event of the log.
    mutating func replay() throws {
        do { try replayEvents() } catch var full as PoolExhausted {
            full.location = here
            full.call = hereCall
            throw full
        }
    }

    /// `replay`, without the location of a pool that runs out.
    private mutating func replayEvents() throws {
        for (i, e) in log.events.enumerated() {
            applyStarts(at: i)
            switch e {
            case .call(let c):
                report.calls += 1
                here = c.start
                hereCall = LinuxCalls.render(c)
                try translate(c)
            case .resumed(let callIndex, let at):
                guard case .call(let c) = log.events[callIndex] else { continue }
                here = at
                hereCall = LinuxCalls.render(c)
                try completed(c)
            case .exited(let pid, _, let at), .killed(let pid, _, _, let at):
                here = at
                hereCall = "+++ \(pid) ended +++"
                if let t = threadOf[pid] {
                    try flushCompletion(t)
                    try threadEnded(t)
                }
            case .signal:
                break
            }
        }
        for t in pendingCompletion.keys.sorted() { try flushCompletion(t) }
        report.liteboxCalls = lock.calls.count
        report.divergences = lock.divergence.map { [$0] } ?? []
        report.trace = lock.calls
    }

    /// Translates one call, at its start.
    mutating func translate(_ c: StraceCall) throws {
        let kind = LinuxCalls.kind(of: c)
        guard kind != .unmodeled else {
            report.unmodeled[LinuxCalls.unmodeledName(c), default: 0] += 1
            return
        }
        report.modeled += 1
        guard let t = threadOf[c.pid] else { return }
        try flushCompletion(t)
        try ensureStarted(t)
        try ensureRunning(t)
        if kind == .path { report.pathLookups += 1 }
        try requireNumericDescriptors(c, kind)
        // A call the log cut off before it returned (no result) takes no
        // effect, except a futex wait: its thread waits for good.
        if c.result == .none && !(kind == .futex && LinuxCalls.futexOperation(c) == .wait) { return }
        if c.end != nil && Personality.takesEffectAtEnd(c, kind) {
            deferredEffects[t] = c
            return
        }
        try effect(c, t, kind)
        // A one-line call completes at the latest when its thread does
        // anything next: in an -ff set (one file per thread) a wait is one
        // line that starts before the wake that ends it.
        if c.end == nil { pendingCompletion[t] = c }
    }

    /// Whether a call split in the log takes effect where it returns rather
    /// than where it starts. A call takes effect somewhere between the two;
    /// descriptors are allocated and freed, and futex waiters woken, by the
    /// time the call returns, and two such calls in flight at once may have
    /// taken effect in either order (`applyInFlight` brings one forward when
    /// the log proves it happened first). Everything else takes effect where
    /// it starts: a clone's child may act before the clone returns, and a
    /// wait queues before it can be woken.
    static func takesEffectAtEnd(_ c: StraceCall, _ kind: LinuxCalls.Kind) -> Bool {
        switch kind {
        case .create, .createPair, .duplicate, .close, .closeRange, .fcntl: return true
        case .futex: return LinuxCalls.futexOperation(c) == .wake
        default: return false
        }
    }

    /// Carries out call `c` of thread `t`.
    mutating func effect(_ c: StraceCall, _ t: Int, _ kind: LinuxCalls.Kind) throws {
        switch kind {
        case .unmodeled: break
        case .path: try lookup(c, t)
        case .create, .createPair: try create(c, t)
        case .duplicate: try duplicate(c, t)
        case .close: try close(c, t)
        case .closeRange: try closeRange(c, t)
        case .fd(let access): try useDescriptors(c, t, access)
        case .fcntl: try fcntl(c, t)
        case .memory: try memory(c, t)
        case .futex: try futex(c, t)
        case .clone: try clone(c, t)
        case .execve: try execve(c, t)
        case .exit: try exitThread(c, t)
        case .exitGroup: try exitGroup(c, t)
        case .setTidAddress: clearTid[t] = UInt64(bitPattern: c.args.first?.intValue ?? 0)
        }
    }

    /// Carries out, now, the in-flight calls of process `p` that `matches`
    /// selects: the log has just shown that they took effect (a descriptor
    /// they free was allocated or refused, a waiter they wake returned).
    /// They are taken in thread order, until thread `woken` (if given) no
    /// longer waits.
    mutating func applyInFlight(process p: Int, where matches: (StraceCall) -> Bool, untilWoken woken: Int? = nil) throws {
        for (t, c) in deferredEffects.sorted(by: { $0.key < $1.key }) where process(of: t) == p && matches(c) {
            if let w = woken, threadState(w) != .blockedNotify { return }
            // An effect applied meanwhile (by a nested call) is not applied again.
            guard deferredEffects[t]?.start == c.start else { continue }
            deferredEffects[t] = nil
            let (h, hc) = (here, hereCall)
            here = c.start
            hereCall = LinuxCalls.render(c)
            try effect(c, t, LinuxCalls.kind(of: c))
            (here, hereCall) = (h, hc)
        }
    }

    /// Completes thread `t`'s pending one-line call, if any.
    mutating func flushCompletion(_ t: Int) throws {
        guard let c = pendingCompletion.removeValue(forKey: t) else { return }
        let (h, hc) = (here, hereCall)
        here = c.start
        hereCall = LinuxCalls.render(c)
        try completed(c)
        (here, hereCall) = (h, hc)
    }

    /// What happens when a call completes (its resumed line, or right after
    /// a one-line call): a call that takes effect at its end does so now
    /// (unless the log brought it forward), and a futex wait is checked.
    mutating func completed(_ c: StraceCall) throws {
        guard let t = threadOf[c.pid] else { return }
        let kind = LinuxCalls.kind(of: c)
        if let d = deferredEffects[t], d.start == c.start {
            deferredEffects[t] = nil
            try effect(c, t, kind)
        }
        if kind == .futex { try futexCompleted(c, t) }
    }

    // MARK: Issuing calls

    /// Issues `call` through kernel and spec.
    @discardableResult
    mutating func issue(_ call: Call) -> Outcome<UInt32> {
        let origin = "\(here): \(hereCall)"
        return lock.step(call, origin: origin)
    }

    /// Requires the descriptor arguments of `c` to be numbers (or
    /// `AT_FDCWD`): strace prints a descriptor as a decimal integer, so one
    /// it could not read as a 64-bit integer (kept as raw text) means the log
    /// is not strace's, and the call cannot be replayed.
    func requireNumericDescriptors(_ c: StraceCall, _ kind: LinuxCalls.Kind) throws {
        let descriptor: StraceValue?
        switch kind {
        case .close, .closeRange, .duplicate, .fd, .fcntl: descriptor = c.args.first
        case .path, .create: descriptor = Personality.directoryArgument(c)
        case .memory where c.name == "mmap" || c.name == "mmap2": descriptor = c.args.dropFirst(4).first
        default: descriptor = nil
        }
        if case .raw(let text)? = descriptor {
            throw inputError("the descriptor argument '\(text)' is not a number")
        }
    }

    /// The input error for a log the replay cannot follow: `reason` about
    /// the call being translated (`here`). The replay stops: a log that says
    /// what Linux cannot have done, or hides what a call did, is not a
    /// recording the replay can compare against.
    func inputError(_ reason: String) -> LinuxReplay.Failure {
        LinuxReplay.Failure(location: here, reason: "`\(hereCall)`: \(reason)")
    }

    /// Records a difference with Linux.
    mutating func mismatch(_ reason: String) {
        report.mismatches.append(LinuxReplay.Mismatch(location: here, call: hereCall, reason: reason))
    }

    /// Records a step of the personality's own protocol that did not have the
    /// outcome it must have: also a difference, never skipped silently.
    mutating func expect(_ o: Outcome<UInt32>, _ wanted: UInt32, _ what: @autoclosure () -> String) {
        if o.code != wanted { mismatch("personality step \(what()) gave \(o), expected \(wanted == 0 ? "ok" : "blocked")") }
    }

    /// The spec state's cell.
    func cell(_ f: Field, _ i: Int) -> UInt32 { lock.state[f.base + i] }
    var L: Layout { lock.spec.layout }

    /// The capability type in `slot` of `sandbox`.
    func capType(_ sandbox: Int, _ slot: Int) -> UInt32 { cell(L.capType, sandbox * C + slot) }
    /// The rights of the capability in `slot` of `sandbox`.
    func capRights(_ sandbox: Int, _ slot: Int) -> Rights { Rights(rawValue: cell(L.capRights, sandbox * C + slot)) }
    /// The capability's object.
    func capObject(_ sandbox: Int, _ slot: Int) -> Int { Int(cell(L.capObject, sandbox * C + slot)) }

    /// The lowest empty slot in `range` of `sandbox`.
    func lowestFree(_ sandbox: Int, _ range: Range<Int>) -> Int? {
        range.first { capType(sandbox, $0) == 0 }
    }

    /// Hands a new capability to `object` (a host slot) with `rights` to
    /// thread `t`, into `slot` of its sandbox: derive into the host's staging
    /// slot, send it with grant, receive it, drop the staging copy.
    mutating func grant(hostSlot: Int, rights: Rights, to t: Int, slot: Int) {
        let h = Personality.hostThread
        expect(issue(.capCopy(h, src: hostSlot, dst: hostStage, rights: rights)), 0, "host cap_copy")
        expect(issue(.send(h, ep: 0, msg: 0, grant: hostStage)), 1, "host send")
        expect(issue(.recv(t, ep: endpointSlot, into: slot)), 0, "recv of a granted capability")
        held(sandbox(of: t), slot)
        expect(issue(.capDelete(h, slot: hostStage)), 0, "host cap_delete of the staging slot")
    }

    /// Transfers a copy of the capability in `slot` of thread `from`'s sandbox
    /// to the same slot of thread `to`'s sandbox (the parent's `send` with
    /// grant, the child's `recv`).
    mutating func transfer(slot: Int, from: Int, to: Int) {
        expect(issue(.send(from, ep: endpointSlot, msg: 0, grant: slot)), 1, "send with grant to the child")
        expect(issue(.recv(to, ep: endpointSlot, into: slot)), 0, "child recv of an inherited capability")
        held(sandbox(of: to), slot)
    }

    /// Thread `t` derives a copy of the capability in `src` into `dst` (same rights).
    mutating func copy(_ t: Int, _ src: Int, to dst: Int, _ what: String) {
        expect(issue(.capCopy(t, src: src, dst: dst, rights: .all)), 0, what)
        held(sandbox(of: t), dst)
    }

    /// Counts a new capability in `slot` of `sandbox` to its object.
    mutating func held(_ sandbox: Int, _ slot: Int) {
        let object = capObject(sandbox, slot)
        switch CapType(rawValue: capType(sandbox, slot)) {
        case .notification? where object > 0: notificationUsers[object] += 1
        case .frame?: frameUsers[object] += 1
        default: break
        }
    }

    /// Thread `t` deletes the capability in `slot` of its sandbox; its object
    /// returns to the host's pool when no process holds it any more. Returns
    /// the outcome (`emptySlot` when there was none).
    @discardableResult
    mutating func delete(_ t: Int, _ slot: Int) -> Outcome<UInt32> {
        let sb = sandbox(of: t)
        let type = CapType(rawValue: capType(sb, slot)), object = capObject(sb, slot)
        let o = issue(.capDelete(t, slot: slot))
        guard o.error == nil else { return o }
        switch type {
        case .notification? where object > 0:
            notificationUsers[object] -= 1
            if notificationUsers[object] == 0 { freeNotifications.append(object) }
        case .frame?:
            frameUsers[object] -= 1
            if frameUsers[object] == 0 { freeFrames.append(object) }
        default: break
        }
        return o
    }

    /// A fresh notification from the host pool, handed to `t` at `slot`.
    mutating func newNotification(rights: Rights, to t: Int, slot: Int) throws(PoolExhausted) {
        guard let n = freeNotifications.popLast() else { throw PoolExhausted(pool: .notifications) }
        grant(hostSlot: hostNotifications + n, rights: rights, to: t, slot: slot)
    }

    /// A free object slot of `sandbox`.
    func objectSlot(_ sandbox: Int) throws(PoolExhausted) -> Int {
        guard let s = lowestFree(sandbox, sizes.fdSlots ..< sizes.fdSlots + sizes.objectSlots) else {
            throw PoolExhausted(pool: .objectSlots)
        }
        return s
    }
}
