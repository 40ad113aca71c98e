import Foundation

// Every fit of the population and item models, kept with the as-of date it was fitted for, so
// a profile as it stood on a past day uses the models of that day (`model_fits`, v12).

/// What a kept fit was made for.
public enum ModelFitBasis: String, Sendable, Codable {
    /// A refresh of the whole store: the fit in force from its time on.
    case refresh
    /// Fitted afterwards, for a past day no refresh covered, from the events up to that day
    /// with the gift corrections made by then (`then`) or today's (`today`).
    case then, today
}

/// One kept fit: the engine's models as the refresh encoded them.
public struct StoredModelFit: Sendable, Equatable {
    public var id: Int64
    public var basis: ModelFitBasis
    /// The moment it answers for: a refresh's from its time on; a later fit's, the moment asked about.
    public var moment: Int64
    /// The data's date the models were fitted as of (Unix seconds): the newest event then.
    public var asOf: Int64
    /// When the fit was made (Unix seconds, the workspace's clock).
    public var fittedAt: Int64
    /// Events the fit saw, and the largest event key in the store when it was made.
    public var events: Int
    public var lastEventKey: Int64
    /// The population models (`EngineModel` as JSON) and the item model (`ModelFitItems`).
    public var engine: Data
    public var items: Data

    public init(
        id: Int64 = 0, basis: ModelFitBasis, moment: Int64, asOf: Int64, fittedAt: Int64, events: Int,
        lastEventKey: Int64, engine: Data, items: Data
    ) {
        self.id = id
        self.basis = basis
        self.moment = moment
        self.asOf = asOf
        self.fittedAt = fittedAt
        self.events = events
        self.lastEventKey = lastEventKey
        self.engine = engine
        self.items = items
    }
}

extension StoreBackend {
    /// Keeps a fit; returns its key.
    @discardableResult
    public func appendModelFit(_ fit: StoredModelFit) throws -> Int64 {
        try writeSQL(.analyst) { db in
            try db.int64(
                """
                INSERT INTO model_fits(basis, moment, as_of, fitted_at, events, last_event_key, engine, items)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    .string(fit.basis.rawValue), .int64(fit.moment), .int64(fit.asOf), .int64(fit.fittedAt),
                    .int(fit.events),
                    .int64(fit.lastEventKey), .bytes([UInt8](fit.engine)), .bytes([UInt8](fit.items))
                ]) ?? 0
        }
    }

    /// The refresh fit in force at `moment`: the newest made by then.
    public func modelFitInForce(at moment: Int64) throws -> StoredModelFit? {
        try readSQL { db in
            try db.first(
                """
                SELECT \(Self.fitColumns) FROM model_fits WHERE basis = ? AND fitted_at <= ?
                ORDER BY fitted_at DESC, id DESC LIMIT 1
                """, [.string(ModelFitBasis.refresh.rawValue), .int64(moment)], Self.fit)
        }
    }

    /// The newest fit made afterwards for exactly `moment` on `basis`.
    public func modelFitMadeFor(_ moment: Int64, basis: ModelFitBasis) throws -> StoredModelFit? {
        try readSQL { db in
            try db.first(
                "SELECT \(Self.fitColumns) FROM model_fits WHERE basis = ? AND moment = ? ORDER BY id DESC LIMIT 1",
                [.string(basis.rawValue), .int64(moment)], Self.fit)
        }
    }

    /// Every kept fit, oldest first, without their models (listing and tests).
    public func modelFitHistory() throws -> [StoredModelFit] {
        try readSQL { db in
            try db.all(
                "SELECT id, basis, moment, as_of, fitted_at, events, last_event_key FROM model_fits ORDER BY id", []
            ) { r in
                StoredModelFit(
                    id: try r.int64(0) ?? 0, basis: ModelFitBasis(rawValue: try r.string(1) ?? "") ?? .refresh,
                    moment: try r.int64(2) ?? 0, asOf: try r.int64(3) ?? 0, fittedAt: try r.int64(4) ?? 0,
                    events: try r.int(5) ?? 0, lastEventKey: try r.int64(6) ?? 0, engine: Data(), items: Data())
            }
        }
    }

    /// Whether events up to `moment` arrived after the event key `key`: a fit made before them
    /// did not see them.
    public func eventsArrived(after key: Int64, through moment: Int64) throws -> Bool {
        try readSQL { db in
            try db.int64("SELECT 1 FROM events WHERE id > ? AND time <= ? LIMIT 1", [.int64(key), .int64(moment)])
                != nil
        }
    }

    /// How many events up to `moment` are stored, the newest of them (the store's analysis date
    /// as it stood then), and the largest event key now. A scan of the events: for a fit.
    public func eventCount(through moment: Int64) throws -> (events: Int, newest: Int64?, lastKey: Int64) {
        try readSQL { db in
            let (n, newest) =
                try db.first("SELECT COUNT(*), MAX(time) FROM events WHERE time <= ?", [.int64(moment)]) {
                    (try $0.int(0) ?? 0, try $0.int64(1))
                } ?? (0, nil)
            return (n, newest, try db.int64("SELECT MAX(id) FROM events") ?? 0)
        }
    }

    /// The newest event up to `moment` among those that arrived after the event key `key`
    /// (a range of the primary key: the events since a fit).
    public func newestEventTime(after key: Int64, through moment: Int64) throws -> Int64? {
        try readSQL { db in
            try db.int64("SELECT MAX(time) FROM events WHERE id > ? AND time <= ?", [.int64(key), .int64(moment)])
        }
    }

    static var fitColumns: String { "id, basis, moment, as_of, fitted_at, events, last_event_key, engine, items" }

    static func fit(_ r: any SQLRow) throws -> StoredModelFit {
        StoredModelFit(
            id: try r.int64(0) ?? 0, basis: ModelFitBasis(rawValue: try r.string(1) ?? "") ?? .refresh,
            moment: try r.int64(2) ?? 0, asOf: try r.int64(3) ?? 0, fittedAt: try r.int64(4) ?? 0,
            events: try r.int(5) ?? 0, lastEventKey: try r.int64(6) ?? 0, engine: Data(try r.bytes(7) ?? []),
            items: Data(try r.bytes(8) ?? []))
    }
}

/// An item model's neighbour lists packed for a kept fit: per product, its key, its neighbour
/// count and each neighbour as `NeighborBlob` packs it, then the "bought with" flags.
public enum ModelFitItems {
    public static func encode(_ lists: [Int64: [(product: Int64, weight: Double)]], boughtTogether: Data) -> Data {
        var out = Data()
        func put(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(Int64(lists.count))
        for (product, list) in lists.sorted(by: { $0.key < $1.key }) {
            put(product)
            put(Int64(list.count))
            out.append(NeighborBlob.encode(list.map { ($0.product, $0.weight) }))
        }
        out.append(boughtTogether)
        return out
    }

    public static func decode(_ data: Data) -> (
        lists: [Int64: [(product: Int64, weight: Double)]], boughtTogether: Data
    ) {
        let bytes = [UInt8](data)
        var at = 0
        func get() -> Int64? {
            guard at + 8 <= bytes.count else { return nil }
            var v: Int64 = 0
            for b in 0..<8 { v |= Int64(bytes[at + b]) << (8 * Int64(b)) }
            at += 8
            return v
        }
        var lists: [Int64: [(product: Int64, weight: Double)]] = [:]
        guard let count = get() else { return ([:], Data()) }
        for _ in 0..<count {
            guard let product = get(), let n = get(), at + Int(n) * 16 <= bytes.count else { break }
            lists[product] = NeighborBlob.decode(Data(bytes[at..<at + Int(n) * 16])).map {
                (product: $0.0, weight: $0.1)
            }
            at += Int(n) * 16
        }
        return (lists, Data(bytes[min(at, bytes.count)...]))
    }
}

extension StoreBackend {
    /// Events up to `moment` that arrived after the event key `key`.
    public func eventCount(after key: Int64, through moment: Int64) throws -> Int {
        try readSQL { db in
            try db.count("SELECT COUNT(*) FROM events WHERE id > ? AND time <= ?", [.int64(key), .int64(moment)])
        }
    }
}
