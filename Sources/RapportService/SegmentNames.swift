import Foundation
import RapportStore

/// A segment with its kind, written `stage:at risk` where the kind must travel with the name
/// ("at risk" is both an RFM segment and a lifecycle stage).
public struct SegmentRef: Sendable, Equatable {
    public var kind: SegmentKind
    public var name: String

    public init(kind: SegmentKind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// Reads `kind:name`; nil when the text has no known kind before a colon.
    public init?(qualified text: String) {
        guard let colon = text.firstIndex(of: ":"), let kind = SegmentKind(rawValue: String(text[..<colon])) else {
            return nil
        }
        self.init(kind: kind, name: String(text[text.index(after: colon)...]))
    }

    /// `stage:at risk`.
    public var qualified: String { "\(kind.rawValue):\(name)" }

    /// How screens name it: "at risk (stage)".
    public static func label(_ text: String) -> String {
        SegmentRef(qualified: text).map { "\($0.name) (\($0.kind.rawValue))" } ?? text
    }
}

/// Why a segment name could not be resolved, in words for a person.
public enum SegmentLookupError: Error, CustomStringConvertible {
    /// The name is both an RFM segment and a stage, and no kind was given.
    case ambiguous(String)
    /// No segment of that name (of that kind, when one was given).
    case unknown(String)

    public var description: String {
        switch self {
        case .ambiguous(let m), .unknown(let m): m
        }
    }
}

extension Workspace {
    /// The segment a name means: of `kind` when given; otherwise a rule segment, an RFM segment or
    /// a stage, refusing a name that is both of the last two.
    public func resolveSegment(_ name: String, kind: SegmentKind? = nil) throws -> SegmentRef {
        let rfm = RFMNames.all.contains(name), stage = StageNames.all.contains(name)
        if let kind {
            let exists = kind == .rule ? try isRuleSegment(name) : kind == .rfm ? rfm : stage
            guard exists else { throw SegmentLookupError.unknown("no \(kind.rawValue) segment named '\(name)'") }
            return SegmentRef(kind: kind, name: name)
        }
        if try isRuleSegment(name) { return SegmentRef(kind: .rule, name: name) }
        if rfm && stage {
            throw SegmentLookupError.ambiguous(
                "'\(name)' is both an RFM segment and a lifecycle stage: add --kind rfm or --kind stage")
        }
        if rfm { return SegmentRef(kind: .rfm, name: name) }
        if stage { return SegmentRef(kind: .stage, name: name) }
        throw SegmentLookupError.unknown(try unknownSegmentMessage(name))
    }
}
