import Foundation
import GRDB
import GRDBSQLite

/// Which customers business metrics cover.
public enum MetricScope: Sendable, Equatable {
    case all
    case rfmSegment(String)
    case stage(String)
    case ruleSegment(String)
}

extension ProfileStore {
    /// The customer keys a scope covers.
    static func scopeSQL(_ scope: MetricScope) -> (String, StatementArguments) {
        switch scope {
        case .all: ("SELECT id FROM customers", [])
        case .rfmSegment(let s): ("SELECT customer_id AS id FROM customer_metrics WHERE rfm_segment = ?", [s])
        case .stage(let s): ("SELECT customer_id AS id FROM customer_metrics WHERE stage = ?", [s])
        case .ruleSegment(let s):
            (
                "SELECT sm.customer_id AS id FROM segment_members sm JOIN segments s ON s.id = sm.segment_id WHERE s.name = ?",
                [s]
            )
        }
    }
}
