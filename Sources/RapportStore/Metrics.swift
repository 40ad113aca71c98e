/// Which customers business metrics cover.
public enum MetricScope: Sendable, Equatable {
    case all
    case rfmSegment(String)
    case stage(String)
    case ruleSegment(String)
}
