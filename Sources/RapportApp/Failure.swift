import Foundation
import RapportService

/// A command of the explorer that could not be done: what it was doing, why, and the words the
/// status line shows for it (as an error).
public struct ExplorerFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the command was doing.
    public enum Operation: String, Sendable, Equatable {
        case loadList, loadMetrics, openMetricsCell, loadProfile, reloadProfile, loadHistory, loadSegments
        case changeGift, countClear, clearHistory, addNote, export, erase, updateSegment, deleteSegment
        case goto, refresh, evidence, undo, redo
        case checkRule, createSegment, previewGift, previewClear
    }

    /// Why it failed.
    public enum Cause: Sendable, Equatable {
        /// `:goto` named a customer the store does not have (nothing was thrown: the lookup found no one).
        case unknownCustomer(String)
        /// The service threw; the words are the error's own, as the person sees them.
        case error(String)
    }

    public var operation: Operation
    public var cause: Cause

    public init(_ operation: Operation, _ cause: Cause) {
        self.operation = operation
        self.cause = cause
    }

    /// The service's error, in its own words.
    public init(_ operation: Operation, _ error: any Error) {
        self.init(operation, .error("\(error)"))
    }

    /// `:goto` found no customer with this id.
    public static func unknownCustomer(_ id: String) -> ExplorerFailure { ExplorerFailure(.goto, .unknownCustomer(id)) }

    /// The words the status line shows.
    public var description: String {
        switch cause {
        case .unknownCustomer(let id): "unknown customer '\(id)'"
        case .error(let words): words
        }
    }
}
