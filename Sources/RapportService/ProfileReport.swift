import Foundation
import RapportStore

/// The `profile` view of a customer: who they are and what the data says.
public struct ProfileReport: Codable, Sendable {
    public var customer: CustomerIdentity
    public var stated: [StatedView]
    public var notes: [NoteView]
}

extension Workspace {
    public func profile(_ key: Int64) throws -> ProfileReport {
        ProfileReport(customer: try identity(key), stated: try stated(key), notes: try notes(key))
    }
}
