import Foundation
import RapportStore

/// What `rapport copy` carries of accounts: the accounts and memberships files, written only
/// when the source has accounts (the events file then names each purchase's account).
enum AccountCopy {
    static func dump(_ store: any StoreBackend, customers: [Int64: String], into folder: String) throws -> [String] {
        let accounts = try store.accounts()
        guard !accounts.isEmpty else { return [] }
        let ids = Dictionary(uniqueKeysWithValues: accounts.map { ($0.key, $0.externalId) })
        let accountPath = folder + "/accounts.csv"
        try StoreCopy.writeCSV(
            accountPath,
            header: [
                "account_id", "name", "parent_id", "kind", "domain", "industry", "tier", "reporting_cadence", "sla",
                "since"
            ]
        ) { out in
            for a in accounts {
                out([
                    a.externalId, a.name, a.parent.flatMap { ids[$0] }, a.kind, a.domain, a.industry, a.tier,
                    a.reportingCadence, a.sla, a.since.map(DateParsing.isoDateTime)
                ])
            }
        }
        let membershipPath = folder + "/memberships.csv"
        try StoreCopy.writeCSV(
            membershipPath, header: ["customer_id", "account_id", "role", "primary", "title", "since", "until"]
        ) { out in
            for m in try store.memberships() {
                guard let customer = customers[m.customer], let account = ids[m.account] else { continue }
                out([
                    customer, account, m.role, StoreCopy.flag(m.primary), m.title,
                    m.since.map(DateParsing.isoDateTime), m.until.map(DateParsing.isoDateTime)
                ])
            }
        }
        return [accountPath, membershipPath]
    }
}
