import Foundation
import RapportEngine
import RapportStore

/// Conversions between stored records and the engine's value types.
enum EngineBridge {
    static func event(_ e: EventRow) -> Event {
        Event(
            id: e.id, customer: e.customerId, product: e.productId, type: EventType(code: e.type) ?? .view,
            time: e.time, quantity: e.quantity, amount: e.amount, channel: e.channel, isGift: e.isGift)
    }

    static func event(_ e: EventFact) -> Event {
        Event(
            id: e.key, customer: e.customer, product: e.product, type: EventType(code: e.type) ?? .view,
            time: e.time, quantity: e.quantity, amount: e.amount, channel: e.channel, isGift: e.isGift)
    }

    static func statistics(_ s: PurchaseStatisticsRow) -> PurchaseStatistics {
        PurchaseStatistics(
            firstEvent: s.firstEvent, lastEvent: s.lastEvent, firstPurchase: s.firstPurchase,
            lastPurchase: s.lastPurchase, purchaseDays: s.purchaseDays, firstPurchaseDay: s.firstPurchaseDay,
            lastPurchaseDay: s.lastPurchaseDay, spend: s.spend, firstDayTotal: s.firstDayTotal,
            repeatDaysTotal: s.repeatDaysTotal)
    }

    static func product(_ p: ProductRecord) -> Product {
        Product(
            id: p.id ?? 0, externalId: p.externalId, title: p.title, category: p.category, brand: p.brand,
            price: p.price ?? 0, replenishDays: p.replenishDays)
    }

    static func stated(_ s: StatedPreferenceRecord) -> StatedPreference? {
        guard let polarity = StatedPreference.Polarity(rawValue: s.polarity),
            let kind = StatedPreference.Kind(rawValue: s.kind)
        else { return nil }
        return StatedPreference(polarity: polarity, kind: kind, value: s.value)
    }

    static func consent(_ c: CustomerRecord) -> Consent {
        Consent(
            personalization: c.consentPersonalization, email: c.consentEmail, sms: c.consentSms, push: c.consentPush)
    }

    static func metrics(_ key: Int64, _ f: CustomerFigures, now: Int64) -> MetricsRecord {
        MetricsRecord(
            customerId: key, orders: f.orders, spend: (f.spend * 100).rounded() / 100,
            firstPurchase: f.firstPurchase, lastPurchase: f.lastPurchase, lastEvent: f.lastEvent,
            recencyDays: f.recencyDays, r: f.rfm?.r, f: f.rfm?.f, m: f.rfm?.m,
            rfmSegment: f.rfm?.segment.rawValue, stage: f.stage.rawValue, pAlive: f.pAlive,
            expected90d: f.expected90, clv12m: f.clv12m.map { ($0 * 100).rounded() / 100 }, updatedAt: now)
    }
}
