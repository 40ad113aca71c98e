import Foundation
import RapportService
import RapportVocabulary
import RapportUI

/// The preview a gift or clear dialog shows before its yes/no: what it is of, and what the
/// service found (the diff and its token), or why it could not.
public struct PreviewPane: Sendable, Equatable {
    /// What the preview is of ("gift E0000063", "clear 1 0"): an answer for another is dropped.
    public var subject: String
    public var preview: CorrectionPreview?
    public var error: ExplorerFailure?

    /// At most `limit` lines for the dialog.
    func lines(limit: Int) -> [String] {
        if let error { return ["preview unavailable: \(error.description)"] }
        guard let preview else { return ["computing what would change…"] }
        let all = preview.diff.lines
        guard all.count > limit else { return all }
        return Array(all.prefix(limit - 1)) + ["and \(all.count - limit + 1) more changes"]
    }

    static func gift(_ id: String) -> String { "gift \(id)" }
    static func unflag(_ id: String) -> String { "unflag \(id)" }
    static func clear(_ range: Int, _ types: Int) -> String { "clear \(range) \(types)" }
}

extension AppModel {
    /// The token of the preview on screen, when it is of `subject`.
    func previewToken(_ subject: String) -> String? { dialogs.previewToken(subject) }
}

extension Effects {
    /// Computes a gift flag's preview for the dialog. A preview that cannot be made says so in
    /// the dialog; the flag itself can still be made.
    func previewGift(_ id: String, isGift: Bool = true, shown: ProfileReport?) -> Cmd {
        let subject = isGift ? PreviewPane.gift(id) : PreviewPane.unflag(id)
        return Cmd(lane: .read) { send in
            do {
                let preview = try client.previewGift(id, isGift, shown)
                send(.previewed(PreviewPane(subject: subject, preview: preview)))
            } catch {
                send(.previewed(PreviewPane(subject: subject, error: ExplorerFailure(.previewGift, error))))
            }
        }
    }

    func previewClear(_ key: Int64, range: HistoryWindow, settings: (range: Int, types: Int)) -> Cmd {
        let subject = PreviewPane.clear(settings.range, settings.types)
        return Cmd(lane: .read) { send in
            do {
                send(.previewed(PreviewPane(subject: subject, preview: try client.previewClear(key, range))))
            } catch { send(.previewed(PreviewPane(subject: subject, error: ExplorerFailure(.previewClear, error)))) }
        }
    }

    /// Undoes (or redoes) the analyst's last correction, then reloads what is on screen.
    func walk(redo: Bool, customer: Int64?) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                let outcome = try redo ? client.redo() : client.undo()
                send(.walked(outcome, redo: redo))
                if let customer, try client.customerExists(customer) {
                    send(.historyLoaded(key: customer, events: try client.history(customer)))
                    send(.profileLoaded(try client.profile(customer)))
                }
            } catch { send(.failed(ExplorerFailure(redo ? .redo : .undo, error))) }
        }
    }
}

extension Explorer {
    func walked(_ m: inout AppModel, _ outcome: UndoOutcome?, redo: Bool) -> [Cmd] {
        m.flash = Flash(text: outcome?.summary ?? (redo ? "nothing to redo" : "nothing to undo"), isError: false)
        guard outcome != nil else { return [] }
        var cmds = reloadList(&m, keepSelection: true)
        // An account correction taken back shows at once on the account on screen.
        if m.screen == .account { cmds += reloadAccount(&m) }
        return cmds
    }

    /// `u` and `C-r`: the customer on screen is reloaded after the walk.
    func walk(_ m: inout AppModel, redo: Bool) -> [Cmd] {
        guard writable(&m) else { return [] }
        let customer: Int64? =
            switch m.screen {
            case .history: m.history?.key
            case .profile: m.profile?.key
            default: nil
            }
        return [effects.walk(redo: redo, customer: customer)]
    }
}
