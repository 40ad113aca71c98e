import Foundation

// One customer's events and the look-ups by the ids people type: the same statements on both
// stores. Product names come joined in SQL, or from the driver's map kept until the catalogue
// changes (PostgreSQL: joined, a long history is planned as a hash of every product).

extension StoreBackend {
    public func customerKey(externalId: String) throws -> Int64? {
        try readSQL { db in try db.int64(db.dialect.customerKeyByExternalId, [.string(externalId)]) }
    }

    /// A customer's events, oldest first (file order among equal times), in one round trip
    /// (`forEachEvent` streams the very long histories).
    public func events(customer key: Int64) throws -> [EventRow] {
        let names = try productNames()
        return try readSQL { db in
            try db.all(
                EventRows.select(joined: names == nil, where: "e.customer_id = ?", order: "e.time, e.id"),
                [.int64(key)]
            ) { try EventRows.row($0, names) }
        }
    }

    /// A customer's events, oldest first, without their products' names (`productExternalId`,
    /// `productTitle` and `productCategory` are nil): the events table alone, no join, for a
    /// session that holds the catalogue and names the products itself (a profile, a history).
    public func eventsWithoutNames(customer key: Int64) throws -> [EventRow] {
        try readSQL { db in
            try db.all(
                EventRows.select(joined: false, where: "e.customer_id = ?", order: "e.time, e.id"), [.int64(key)]
            ) { try EventRows.row($0, nil, named: false) }
        }
    }

    /// A customer's events, oldest first, as an insight reads them: only the columns the engine
    /// uses and the gift's note (no external ids or product names), each made into `make`'s value as the rows
    /// step, with no row of 14 fields built first (a profile reads 10,000 of them).
    public func eventFacts<T>(customer key: Int64, _ make: (EventFact) -> T) throws -> [T] {
        try readSQL { db in
            try db.all(
                """
                SELECT id, product_id, type, time, quantity, amount, channel, is_gift, gift_note FROM events
                WHERE customer_id = ? ORDER BY time, id
                """, [.int64(key)]
            ) { r in
                make(
                    EventFact(
                        key: try r.int64(0) ?? 0, customer: key, product: try r.int64(1), type: try r.int(2) ?? 0,
                        time: try r.int64(3) ?? 0, quantity: try r.int(4) ?? 1, amount: try r.double(5) ?? 0,
                        channel: try r.string(6), isGift: try r.bool(7) ?? false, giftNote: try r.string(8)))
            }
        }
    }

    /// The display ids (`EventRow.displayId`) of the customer's events `keys` names: the few a
    /// profile shows as evidence, read by key.
    public func displayIds(events keys: [Int64], customer: Int64) throws -> [Int64: String] {
        guard !keys.isEmpty else { return [:] }
        return try readSQL { db in
            var ids: [Int64: String] = [:]
            try db.forEachRow(
                "SELECT id, external_id FROM events WHERE customer_id = ? AND \(db.dialect.anyOf("id"))",
                [.int64(customer), .int64List(keys)]
            ) { r in
                let id = try r.int64(0) ?? 0
                ids[id] = try r.string(1) ?? "#\(id)"
            }
            return ids
        }
    }

    /// A customer's events one at a time, oldest first (or newest first), so a customer with
    /// millions of events is never held in memory.
    public func forEachEvent(customer key: Int64, newestFirst: Bool, _ body: (EventRow) throws -> Void) throws {
        let names = try productNames()
        let order = newestFirst ? "e.time DESC, e.id DESC" : "e.time, e.id"
        try readSQL { db in
            try db.forEachRow(
                EventRows.select(joined: names == nil, where: "e.customer_id = ?", order: order), [.int64(key)]
            ) { try body(try EventRows.row($0, names)) }
        }
    }

    /// The event a display id names (`#key`, or a file's event id; the first, should the id name
    /// events of several customers).
    public func event(displayId: String) throws -> EventRow? {
        let names = try productNames()
        return try readSQL { db in
            guard let key = try Self.eventKeys(db, displayId).first else { return nil }
            return try db.first(
                EventRows.select(joined: names == nil, where: "e.customer_id = ? AND e.id = ?", order: nil),
                [.int64(key.customer), .int64(key.id)]
            ) { try EventRows.row($0, names) }
        }
    }

    /// Every product's external id, title and category, when the driver keeps them until the
    /// catalogue changes; nil: the statements join the products instead.
    func productNames() throws -> [Int64: ProductName]? {
        try keptUntilChange(.catalogue) {
            try readSQL { db in
                var names: [Int64: ProductName] = [:]
                try db.forEachRow("SELECT id, external_id, title, category FROM products", []) { r in
                    names[try r.int64(0) ?? 0] = ProductName(
                        externalId: try r.string(1) ?? "", title: try r.string(2) ?? "",
                        category: try r.string(3) ?? "")
                }
                return names
            }
        }
    }
}

/// What a history row shows of its product.
struct ProductName: Sendable {
    var externalId: String
    var title: String
    var category: String
}

/// The event columns a history selects and the row each makes.
enum EventRows {
    static let columns = """
        e.id, e.external_id, e.customer_id, e.product_id, e.type, e.time, e.quantity, e.amount, e.channel,
        e.is_gift, e.gift_note
        """

    /// Events `e`, with their products' names joined after the event's own columns when `joined`.
    static func select(joined: Bool, where condition: String, order: String?) -> String {
        let products = joined ? ", p.external_id, p.title, p.category" : ""
        let join = joined ? " LEFT JOIN products p ON p.id = e.product_id" : ""
        return "SELECT \(columns)\(products) FROM events e\(join) WHERE \(condition)"
            + (order.map { " ORDER BY \($0)" } ?? "")
    }

    /// A row of `select`: the product's names from the row (joined) or from `names`; none when
    /// not `named`.
    static func row(_ r: any SQLRow, _ names: [Int64: ProductName]?, named: Bool = true) throws -> EventRow {
        let product = try r.int64(3)
        let shown: (externalId: String?, title: String?, category: String?)
        if !named {
            shown = (nil, nil, nil)
        } else if let names {
            let name = product.flatMap { names[$0] }
            shown = (name?.externalId, name?.title, name?.category)
        } else {
            shown = (try r.string(11), try r.string(12), try r.string(13))
        }
        return EventRow(
            id: try r.int64(0) ?? 0, externalId: try r.string(1), customerId: try r.int64(2) ?? 0,
            productId: product, productExternalId: shown.externalId, productTitle: shown.title,
            productCategory: shown.category, type: try r.int(4) ?? 0, time: try r.int64(5) ?? 0,
            quantity: try r.int(6) ?? 1, amount: try r.double(7) ?? 0, channel: try r.string(8),
            isGift: try r.bool(9) ?? false, giftNote: try r.string(10))
    }
}
