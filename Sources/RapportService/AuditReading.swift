import Foundation
import RapportStore

/// A page of the audit log and how many entries there are in all.
public struct AuditPage: Sendable {
    public var entries: [AuditView]
    public var total: Int
}

extension AuditView {
    /// An entry's details as people read them: every value as text (an import's counts were
    /// numbers, lost before), times as ISO-8601 dates instead of Unix seconds.
    static func readable(_ json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return [:]
        }
        var out: [String: String] = [:]
        for (k, v) in object {
            switch v {
            case let s as String: out[k] = s
            case let n as NSNumber: out[k] = n.stringValue
            default: out[k] = String(describing: v)
            }
        }
        // `history.clear` recorded its window start in Unix seconds.
        if let since = out["since"], let t = Int64(since) { out["since"] = DateParsing.isoDateTime(t) }
        return out
    }
}

extension Workspace {
    /// Audit entries, newest first. `customer` is the external id; for an erased customer it is
    /// the id the analyst knew, matched through the erasure's keyed hash (the id is not stored).
    /// A note's id is resolved to its text while the note exists.
    public func audit(customer: String?) throws -> [AuditView] {
        try auditPage(customer: customer, limit: 1000, offset: 0).entries
    }

    /// A page of `audit(customer:)` and the number of entries in all.
    public func auditPage(customer: String?, limit: Int, offset: Int) throws -> AuditPage {
        var key: Int64?
        if let customer {
            if let live = try store.customerKey(externalId: customer) {
                key = live
            } else if let erased = try store.erasedCustomerKey(externalId: customer) {
                key = erased
            } else {
                throw StoreError.unknownCustomer(customer)
            }
        }
        let entries = try store.auditEntries(customer: key, limit: limit, offset: offset)
        var views = entries.map(AuditView.init)
        let noteIds = views.compactMap { $0.action == "note.add" ? $0.details["note"].flatMap { Int64($0) } : nil }
        let texts = try store.noteTexts(noteIds)
        for i in views.indices where views[i].action == "note.add" {
            guard let id = views[i].details["note"].flatMap({ Int64($0) }) else { continue }
            views[i].details["text"] = texts[id] ?? "(note deleted)"
        }
        return AuditPage(entries: views, total: try store.auditCount(customer: key))
    }
}
