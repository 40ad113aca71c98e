import Foundation
import RapportVocabulary

/// The column lists the domain code selects and the records it makes of their rows: one
/// decoder per record, for both drivers.
enum StoredRows {
    static let customerColumns = """
        id, external_id, name, email, phone, birth_year, gender, city, country, signup_time, stated_channel,
        consent_personalization, consent_email, consent_sms, consent_push, attributes
        """

    static func customer(_ r: any SQLRow, from i: Int = 0) throws -> CustomerRecord {
        CustomerRecord(
            id: try r.int64(i), externalId: try r.string(i + 1) ?? "", name: try r.string(i + 2),
            email: try r.string(i + 3), phone: try r.string(i + 4), birthYear: try r.int(i + 5),
            gender: try r.string(i + 6), city: try r.string(i + 7), country: try r.string(i + 8),
            signupTime: try r.int64(i + 9), statedChannel: try r.string(i + 10),
            consentPersonalization: try r.bool(i + 11), consentEmail: try r.bool(i + 12),
            consentSms: try r.bool(i + 13), consentPush: try r.bool(i + 14), attributes: try r.string(i + 15))
    }

    static let metricsColumns = """
        customer_id, orders, spend, first_purchase, last_purchase, last_event, recency_days, r, f, m, rfm_segment,
        stage, p_alive, expected_90d, clv_12m, updated_at
        """

    static func metrics(_ r: any SQLRow) throws -> MetricsRecord {
        MetricsRecord(
            customerId: try r.int64(0) ?? 0, orders: try r.int(1) ?? 0, spend: try r.double(2) ?? 0,
            firstPurchase: try r.int64(3), lastPurchase: try r.int64(4), lastEvent: try r.int64(5),
            recencyDays: try r.int(6), r: try r.int(7), f: try r.int(8), m: try r.int(9), rfmSegment: try r.string(10),
            stage: try r.string(11), pAlive: try r.double(12), expected90d: try r.double(13), clv12m: try r.double(14),
            updatedAt: try r.int64(15) ?? 0)
    }

    static let productColumns = "id, external_id, title, category, brand, price, replenish_days"

    static func product(_ r: any SQLRow) throws -> ProductRecord {
        ProductRecord(
            id: try r.int64(0), externalId: try r.string(1) ?? "", title: try r.string(2) ?? "",
            category: try r.string(3) ?? "", brand: try r.string(4) ?? "", price: try r.double(5),
            replenishDays: try r.int(6))
    }

    static let statedColumns = "id, customer_id, polarity, kind, value"

    static func stated(_ r: any SQLRow) throws -> StatedPreferenceRecord {
        StatedPreferenceRecord(
            id: try r.int64(0), customerId: try r.int64(1) ?? 0, polarity: try r.string(2) ?? "",
            kind: try r.string(3) ?? "", value: try r.string(4) ?? "")
    }

    static let noteColumns = "id, customer_id, time, analyst, text"

    static func note(_ r: any SQLRow) throws -> NoteRecord {
        NoteRecord(
            id: try r.int64(0), customerId: try r.int64(1) ?? 0, time: try r.int64(2) ?? 0,
            analyst: try r.string(3) ?? "", text: try r.string(4) ?? "")
    }

    static let segmentColumns = "id, name, rule, created_at, analyst, member_count"

    static func segment(_ r: any SQLRow) throws -> SegmentRecord {
        SegmentRecord(
            id: try r.int64(0), name: try r.string(1) ?? "", rule: try r.string(2) ?? "",
            createdAt: try r.int64(3) ?? 0, analyst: try r.string(4) ?? "", memberCount: try r.int(5))
    }

    static let auditColumns = "id, time, analyst, action, customer_id, customer_ref, details"

    static func audit(_ r: any SQLRow) throws -> AuditEntry {
        AuditEntry(
            id: try r.int64(0), time: try r.int64(1) ?? 0, analyst: try r.string(2) ?? "",
            action: try r.string(3) ?? "", customerId: try r.int64(4), customerRef: try r.string(5),
            details: try r.string(6) ?? "{}")
    }

    /// The list's columns, customers `c` joined to their metrics `m`.
    static let listColumns = """
        c.id, c.external_id, c.name, c.email, m.rfm_segment, m.stage, m.recency_days, m.orders, m.spend, m.clv_12m
        """

    static func listRow(_ r: any SQLRow) throws -> CustomerListItem {
        CustomerListItem(
            key: try r.int64(0) ?? 0, externalId: try r.string(1) ?? "", name: try r.string(2),
            email: try r.string(3), segment: try r.string(4), stage: try r.string(5), recencyDays: try r.int(6),
            orders: try r.int(7), spend: try r.double(8), clv: try r.double(9))
    }
}
