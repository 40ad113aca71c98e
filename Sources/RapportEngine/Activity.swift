import Foundation

/// One customer's events folded into days: what business metrics need of them, for any window
/// of whole UTC days, without reading the events again. The store keeps it as bytes
/// (`encoded()`); `BusinessMetricsAccumulator` reads those bytes in place.
public struct CustomerActivity: Sendable, Equatable {
    /// Per channel of one day: purchase lines carrying the channel, opens and clicks.
    public struct ChannelDay: Sendable, Equatable {
        /// Index into the customer's `channels`.
        public var channel: Int
        public var purchases = 0
        public var opens = 0
        public var clicks = 0
    }

    public struct Day: Sendable, Equatable {
        /// Days since 1970-01-01 (UTC).
        public var day: Int
        /// Distinct seconds with a purchase: an order is all purchase lines at one second.
        public var orders = 0
        public var revenue = Money()
        /// Return amounts as a positive sum, and as recorded (RFM spend adds them as they are).
        public var returns = Money()
        public var returnAmount = Money()
        /// Cart events with a product, and those not followed by a purchase of that product
        /// by the customer within 7 days.
        public var carts = 0
        public var abandonedCarts = 0
        public var channels: [ChannelDay] = []
        /// Cart sessions that began this day (sessions: the customer's events at most 30
        /// minutes apart; a cart session has a cart event), and those that ended without a
        /// purchase after their first cart: the industry's cart abandonment.
        public var cartSessions = 0
        public var abandonedCartSessions = 0
        /// Recommendation impressions and clicks (`rec_impression`, `rec_click` events).
        public var recImpressions = 0
        public var recClicks = 0

        public init(day: Int) { self.day = day }
    }

    public var channels: [String] = []
    /// Ascending by day; only days with a purchase, return, cart, open, click or recommendation event.
    public var days: [Day] = []

    public init(channels: [String] = [], days: [Day] = []) {
        self.channels = channels
        self.days = days
    }

    static let week: Int64 = 7 * 86_400
    /// Events further apart than this start a new session.
    public static let sessionGap: Int64 = 30 * 60

    /// For the first cart event of each cart session (by index into time-ordered `events`):
    /// whether that session was abandoned, that is had no purchase after that cart.
    static func cartSessions(_ events: [Event]) -> [Int: Bool] {
        var out: [Int: Bool] = [:]
        var start = 0
        while start < events.count {
            var end = start + 1
            while end < events.count && events[end].time - events[end - 1].time <= sessionGap { end += 1 }
            if let first = (start..<end).first(where: { events[$0].type == .cart }) {
                out[first] = !((first + 1)..<end).contains { events[$0].type == .purchase }
            }
            start = end
        }
        return out
    }

    /// The row of a day's `rows` for channel `name` (numbered by its place in `names`, where a
    /// new name is added), added to `rows` if the day has none yet.
    static func channelRow(_ name: String, names: inout [String], rows: inout [ChannelDay]) -> Int {
        let c: Int
        if let i = names.firstIndex(of: name) {
            c = i
        } else {
            c = names.count
            names.append(name)
        }
        if let j = rows.firstIndex(where: { $0.channel == c }) { return j }
        rows.append(ChannelDay(channel: c))
        return rows.count - 1
    }

    /// Folds one customer's events (any order; time order, as the store reads them, saves a sort).
    public init(events input: [Event]) {
        let inOrder = zip(input, input.dropFirst()).allSatisfy { $0.time <= $1.time }
        let events = inOrder ? input : input.sorted { $0.time < $1.time }
        // Purchase times per product, only for customers with carts to decide.
        var purchaseTimes: [Int64: [Int64]] = [:]
        if events.contains(where: { $0.type == .cart && $0.product != nil }) {
            for e in events where e.type == .purchase {
                if let p = e.product { purchaseTimes[p, default: []].append(e.time) }
            }
        }
        let sessions = events.contains { $0.type == .cart } ? Self.cartSessions(events) : [:]
        var current = Day(day: Int.min)
        var lastSecond = Int64.min
        func open(_ t: Int64) {
            let d = Int(Calendar.dayNumber(t))
            guard d != current.day else { return }
            if current.day != Int.min { days.append(current) }
            current = Day(day: d)
            lastSecond = Int64.min
        }
        func channel(_ name: String) -> Int {
            Self.channelRow(name, names: &channels, rows: &current.channels)
        }
        for (i, e) in events.enumerated() {
            switch e.type {
            case .purchase:
                open(e.time)
                if e.time != lastSecond {
                    current.orders += 1
                    lastSecond = e.time
                }
                current.revenue.add(e.amount)
                if let name = e.channel { current.channels[channel(name)].purchases += 1 }
            case .return:
                open(e.time)
                current.returns.add(abs(e.amount))
                current.returnAmount.add(e.amount)
            case .cart:
                if let abandoned = sessions[i] {
                    open(e.time)
                    current.cartSessions += 1
                    if abandoned { current.abandonedCartSessions += 1 }
                }
                guard let p = e.product else { continue }
                open(e.time)
                current.carts += 1
                let bought = purchaseTimes[p]?.contains { $0 >= e.time && $0 <= e.time + Self.week } ?? false
                if !bought { current.abandonedCarts += 1 }
            case .open, .click:
                guard let name = e.channel else { continue }
                open(e.time)
                let j = channel(name)
                if e.type == .open { current.channels[j].opens += 1 } else { current.channels[j].clicks += 1 }
            case .recImpression:
                open(e.time)
                current.recImpressions += 1
            case .recClick:
                open(e.time)
                current.recClicks += 1
            default:
                continue
            }
        }
        if current.day != Int.min { days.append(current) }
    }
}

/// A sum of amounts kept in whole cents while every amount is a whole number of cents (sums
/// are then exact), and as a double otherwise.
public struct Money: Sendable, Equatable {
    public var cents: Int64 = 0
    public var other: Double = 0

    public init(cents: Int64 = 0, other: Double = 0) {
        self.cents = cents
        self.other = other
    }

    public var value: Double { Double(cents) / 100 + other }
    public var isZero: Bool { cents == 0 && other == 0 }

    public mutating func add(_ amount: Double) {
        let c = (amount * 100).rounded()
        if abs(c) < 1e15 && c / 100 == amount {
            cents += Int64(c)
        } else {
            other += amount
        }
    }

    public mutating func add(_ m: Money) {
        cents += m.cents
        other += m.other
    }
}

extension Calendar {
    /// Days since 1970-01-01 of a Unix time (UTC), rounding down.
    public static func dayNumber(_ t: Int64) -> Int64 { t >= 0 ? t / 86_400 : (t - 86_399) / 86_400 }

    /// Months since 1970-01 (UTC) of a day number (Howard Hinnant's civil_from_days).
    public static func monthNumber(day: Int64) -> Int {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return Int((y - 1970) * 12 + (m - 1))
    }
}

// MARK: - Bytes

/// The stored form: varints (zigzag for signed values), channel names once per customer.
/// `channels: n, (length, UTF-8)*; days: n, (day delta, flags, fields)*` where flags say which
/// of purchases (orders, revenue), returns (positive sum, recorded sum), carts (carts,
/// abandoned), channel counts (n, (channel, purchases, opens, clicks)*), cart sessions
/// (sessions, abandoned) and recommendations (impressions, clicks) follow. An amount is
/// `zigzag(cents) << 1`, or `1` followed by the 8 bytes of a double.
extension CustomerActivity {
    static let hasPurchases: UInt8 = 1
    static let hasReturns: UInt8 = 2
    static let hasCarts: UInt8 = 4
    static let hasChannels: UInt8 = 8
    static let hasCartSessions: UInt8 = 16
    static let hasRecommendations: UInt8 = 32

    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + days.count * 12)
        func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 {
                out.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }
        func int(_ v: Int) { varint(UInt64(v)) }
        func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
        func money(_ m: Money) {
            if m.other == 0 {
                varint(zigzag(m.cents) << 1)
            } else {
                out.append(1)
                withUnsafeBytes(of: m.value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
        }
        int(channels.count)
        for c in channels {
            int(c.utf8.count)
            out.append(contentsOf: c.utf8)
        }
        int(days.count)
        var previous: Int64 = 0
        for (i, d) in days.enumerated() {
            varint(i == 0 ? zigzag(Int64(d.day)) : UInt64(Int64(d.day) - previous))
            previous = Int64(d.day)
            var flags: UInt8 = 0
            if d.orders > 0 || !d.revenue.isZero { flags |= Self.hasPurchases }
            if !d.returns.isZero || !d.returnAmount.isZero { flags |= Self.hasReturns }
            if d.carts > 0 { flags |= Self.hasCarts }
            if !d.channels.isEmpty { flags |= Self.hasChannels }
            if d.cartSessions > 0 { flags |= Self.hasCartSessions }
            if d.recImpressions > 0 || d.recClicks > 0 { flags |= Self.hasRecommendations }
            out.append(flags)
            if flags & Self.hasPurchases != 0 {
                int(d.orders)
                money(d.revenue)
            }
            if flags & Self.hasReturns != 0 {
                money(d.returns)
                money(d.returnAmount)
            }
            if flags & Self.hasCarts != 0 {
                int(d.carts)
                int(d.abandonedCarts)
            }
            if flags & Self.hasChannels != 0 {
                int(d.channels.count)
                for c in d.channels {
                    int(c.channel)
                    int(c.purchases)
                    int(c.opens)
                    int(c.clicks)
                }
            }
            if flags & Self.hasCartSessions != 0 {
                int(d.cartSessions)
                int(d.abandonedCartSessions)
            }
            if flags & Self.hasRecommendations != 0 {
                int(d.recImpressions)
                int(d.recClicks)
            }
        }
        return out
    }

    /// Reads `encoded()` back; nil when the bytes are not in that form.
    public init?(bytes: UnsafeRawBufferPointer) {
        var r = ActivityReader(bytes)
        let n = r.int()
        for _ in 0..<max(0, n) {
            let len = r.int()
            guard let name = r.bytes(len) else { return nil }
            channels.append(String(decoding: name, as: UTF8.self))
        }
        let count = r.int()
        var day: Int64 = 0
        for i in 0..<max(0, count) {
            day = i == 0 ? r.signed() : day + Int64(r.int())
            var d = Day(day: Int(day))
            let flags = r.byte()
            if flags & Self.hasPurchases != 0 {
                d.orders = r.int()
                d.revenue = r.money()
            }
            if flags & Self.hasReturns != 0 {
                d.returns = r.money()
                d.returnAmount = r.money()
            }
            if flags & Self.hasCarts != 0 {
                d.carts = r.int()
                d.abandonedCarts = r.int()
            }
            if flags & Self.hasChannels != 0 {
                for _ in 0..<max(0, r.int()) {
                    d.channels.append(
                        ChannelDay(channel: r.int(), purchases: r.int(), opens: r.int(), clicks: r.int()))
                }
            }
            if flags & Self.hasCartSessions != 0 {
                d.cartSessions = r.int()
                d.abandonedCartSessions = r.int()
            }
            if flags & Self.hasRecommendations != 0 {
                d.recImpressions = r.int()
                d.recClicks = r.int()
            }
            days.append(d)
        }
        guard !r.failed && r.atEnd else { return nil }
    }
}

/// Reads varints from bytes in place; past the end it reads zeros and sets `failed`.
struct ActivityReader {
    let base: UnsafeRawBufferPointer
    var at = 0
    var failed = false

    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    var atEnd: Bool { at == base.count }

    @inline(__always) mutating func byte() -> UInt8 {
        guard at < base.count else {
            failed = true
            return 0
        }
        at += 1
        return base[at - 1]
    }

    @inline(__always) mutating func varint() -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = byte()
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 || shift > 56 { return v }
            shift += 7
        }
    }

    @inline(__always) mutating func int() -> Int { Int(truncatingIfNeeded: varint()) }

    @inline(__always) mutating func signed() -> Int64 {
        let v = varint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    mutating func bytes(_ n: Int) -> UnsafeRawBufferPointer? {
        guard n >= 0 && at + n <= base.count else {
            failed = true
            return nil
        }
        defer { at += n }
        return UnsafeRawBufferPointer(rebasing: base[at..<at + n])
    }

    @inline(__always) mutating func money() -> Money {
        let tag = varint()
        if tag == 1 {
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(byte()) << (8 * UInt64(i)) }
            return Money(other: Double(bitPattern: bits))
        }
        let v = tag >> 1
        return Money(cents: Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1))
    }
}

/// Folds customers' events straight into `CustomerActivity.encoded()` bytes, reusing its
/// buffers from one customer to the next: what a refresh runs a million times.
public struct ActivityEncoder: Sendable {
    private var channels: [String] = []
    private var dayChannels: [CustomerActivity.ChannelDay] = []
    private var body: [UInt8] = []
    private var purchaseTimes: [Int64: [Int64]] = [:]

    public init() {}

    /// The same bytes as `CustomerActivity(events:).encoded()`.
    public mutating func encode(_ input: [Event]) -> [UInt8] {
        let inOrder = zip(input, input.dropFirst()).allSatisfy { $0.time <= $1.time }
        let events = inOrder ? input : input.sorted { $0.time < $1.time }
        channels.removeAll(keepingCapacity: true)
        body.removeAll(keepingCapacity: true)
        purchaseTimes.removeAll(keepingCapacity: true)
        if events.contains(where: { $0.type == .cart && $0.product != nil }) {
            for e in events where e.type == .purchase {
                if let p = e.product { purchaseTimes[p, default: []].append(e.time) }
            }
        }
        let sessions = events.contains { $0.type == .cart } ? CustomerActivity.cartSessions(events) : [:]
        var day = Int.min
        var previous: Int64 = 0
        var count = 0
        var orders = 0
        var revenue = Money()
        var returns = Money()
        var returnAmount = Money()
        var carts = 0
        var abandoned = 0
        var cartSessions = 0
        var abandonedSessions = 0
        var recImpressions = 0
        var recClicks = 0
        var lastSecond = Int64.min
        func flush() {
            guard day != Int.min else { return }
            Self.varint(count == 0 ? Self.zigzag(Int64(day)) : UInt64(Int64(day) - previous), &body)
            previous = Int64(day)
            count += 1
            var flags: UInt8 = 0
            if orders > 0 || !revenue.isZero { flags |= CustomerActivity.hasPurchases }
            if !returns.isZero || !returnAmount.isZero { flags |= CustomerActivity.hasReturns }
            if carts > 0 { flags |= CustomerActivity.hasCarts }
            if !dayChannels.isEmpty { flags |= CustomerActivity.hasChannels }
            if cartSessions > 0 { flags |= CustomerActivity.hasCartSessions }
            if recImpressions > 0 || recClicks > 0 { flags |= CustomerActivity.hasRecommendations }
            body.append(flags)
            if flags & CustomerActivity.hasPurchases != 0 {
                Self.varint(UInt64(orders), &body)
                Self.money(revenue, &body)
            }
            if flags & CustomerActivity.hasReturns != 0 {
                Self.money(returns, &body)
                Self.money(returnAmount, &body)
            }
            if flags & CustomerActivity.hasCarts != 0 {
                Self.varint(UInt64(carts), &body)
                Self.varint(UInt64(abandoned), &body)
            }
            if flags & CustomerActivity.hasChannels != 0 {
                Self.varint(UInt64(dayChannels.count), &body)
                for c in dayChannels {
                    Self.varint(UInt64(c.channel), &body)
                    Self.varint(UInt64(c.purchases), &body)
                    Self.varint(UInt64(c.opens), &body)
                    Self.varint(UInt64(c.clicks), &body)
                }
            }
            if flags & CustomerActivity.hasCartSessions != 0 {
                Self.varint(UInt64(cartSessions), &body)
                Self.varint(UInt64(abandonedSessions), &body)
            }
            if flags & CustomerActivity.hasRecommendations != 0 {
                Self.varint(UInt64(recImpressions), &body)
                Self.varint(UInt64(recClicks), &body)
            }
        }
        func open(_ t: Int64) {
            let d = Int(Calendar.dayNumber(t))
            guard d != day else { return }
            flush()
            day = d
            orders = 0
            revenue = Money()
            returns = Money()
            returnAmount = Money()
            carts = 0
            abandoned = 0
            cartSessions = 0
            abandonedSessions = 0
            recImpressions = 0
            recClicks = 0
            lastSecond = Int64.min
            dayChannels.removeAll(keepingCapacity: true)
        }
        func channel(_ name: String) -> Int {
            CustomerActivity.channelRow(name, names: &channels, rows: &dayChannels)
        }
        for (i, e) in events.enumerated() {
            switch e.type {
            case .purchase:
                open(e.time)
                if e.time != lastSecond {
                    orders += 1
                    lastSecond = e.time
                }
                revenue.add(e.amount)
                if let name = e.channel { dayChannels[channel(name)].purchases += 1 }
            case .return:
                open(e.time)
                returns.add(abs(e.amount))
                returnAmount.add(e.amount)
            case .cart:
                if let isAbandoned = sessions[i] {
                    open(e.time)
                    cartSessions += 1
                    if isAbandoned { abandonedSessions += 1 }
                }
                guard let p = e.product else { continue }
                open(e.time)
                carts += 1
                let bought =
                    purchaseTimes[p]?.contains { $0 >= e.time && $0 <= e.time + CustomerActivity.week } ?? false
                if !bought { abandoned += 1 }
            case .open, .click:
                guard let name = e.channel else { continue }
                open(e.time)
                let j = channel(name)
                if e.type == .open { dayChannels[j].opens += 1 } else { dayChannels[j].clicks += 1 }
            case .recImpression:
                open(e.time)
                recImpressions += 1
            case .recClick:
                open(e.time)
                recClicks += 1
            default:
                continue
            }
        }
        flush()
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 16)
        Self.varint(UInt64(channels.count), &out)
        for c in channels {
            Self.varint(UInt64(c.utf8.count), &out)
            out.append(contentsOf: c.utf8)
        }
        Self.varint(UInt64(count), &out)
        out.append(contentsOf: body)
        return out
    }

    @inline(__always) static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    @inline(__always) static func varint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func money(_ m: Money, _ out: inout [UInt8]) {
        if m.other == 0 {
            varint(zigzag(m.cents) << 1, &out)
        } else {
            out.append(1)
            withUnsafeBytes(of: m.value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
    }
}
