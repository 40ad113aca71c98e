import Foundation
import RapportEngine
import RapportService
import RapportUI
import RapportVocabulary

/// Commands: every read and write of the store happens here, off the UI loop, and comes
/// back as a message. A command is a read unless it names the write lane; every write here does.
struct Effects: Sendable {
    let client: ExplorerClient
    typealias Cmd = Command<AppMessage>
    /// The newest list generation asked for: a load queued behind a newer one (a filter
    /// superseded by the next key) is dropped instead of run.
    let newestList = NewestGeneration()
    /// Likewise for the member count of a rule being typed.
    let newestRule = NewestGeneration()
    /// How many rule texts were parsed (tests check a paste is not parsed per character).
    let ruleParses = Tally()

    init(client: ExplorerClient) { self.client = client }

    static let window = 200
    /// How long a rule's member count waits for the next key before it runs.
    static let ruleDebounce: TimeInterval = 0.12
    /// Text filters count at most this many matches while typing.
    static let countCap = 10_000
    /// This explorer's cap (a test makes it small).
    var countCap = Effects.countCap

    /// `exact`: `knownTotal` is an exact count, not a capped one (a capped total is not given
    /// to the page read, which would read the "last" rows from the cap).
    /// `stoodOn`: the list as it stood on a past day, counted up to the cap as a text filter is.
    func loadList(
        _ q: ListQuery, generation: Int, around index: Int, needTotal: Bool, knownTotal: Int, exact: Bool = true,
        stoodOn: PointInTime? = nil
    ) -> Cmd {
        newestList.ask(generation)
        return Cmd(lane: .queue(.list)) { [newestList, countCap] send in
            guard newestList.isCurrent(generation) else { return }
            do {
                let capped = !q.text.isEmpty || stoodOn != nil
                let total =
                    needTotal ? try client.listCount(q, stoodOn, capped ? countCap : nil) : knownTotal
                let exact = needTotal ? !capped || total < countCap : exact
                let start = max(0, index - Effects.window / 2)
                let rows = try client.listPage(q, stoodOn, start, Effects.window, exact ? total : nil)
                send(.listLoaded(generation: generation, total: needTotal ? total : nil, start: start, rows: rows))
            } catch { send(.failed(ExplorerFailure(.loadList, error))) }
        }
    }

    /// A segment's members as they stood on a past day, all at once (a full pass over the
    /// events): the list's rows from the first.
    func loadPastMembers(_ ref: SegmentRef, _ moment: PointInTime, generation: Int) -> Cmd {
        newestList.ask(generation)
        return Cmd(lane: .queue(.list)) { [newestList, client] send in
            guard newestList.isCurrent(generation) else { return }
            do {
                send(.progress("listing \(ref.name) as of \(moment.label)…"))
                let rows = try client.segmentMembersStoodOn(ref, moment)
                send(.progress(nil))
                send(.listLoaded(generation: generation, total: rows.count, start: 0, rows: rows))
            } catch {
                send(.progress(nil))
                send(.failed(ExplorerFailure(.loadList, error)))
            }
        }
    }

    /// The business metrics of everyone, of one segment or of an account's people (a read:
    /// browsing goes on meanwhile).
    func loadMetrics(_ scope: MetricsScope) -> Cmd {
        Cmd(lane: .queue(.metrics)) { [client] send in
            do {
                if let a = scope.account, let p = scope.stoodOn {
                    send(.progress("figures of \(a.name) as of \(p.label)…"))
                    let figures = try client.accountMetricsStoodOn(a.id, a.includeChildren, p)
                    send(.progress(nil))
                    send(.metricsLoaded(segment: nil, figures, account: a, stoodOn: p))
                } else if let a = scope.account {
                    let figures = try client.accountMetrics(a.id, a.includeChildren)
                    send(.metricsLoaded(segment: nil, figures, account: a))
                } else if let p = scope.stoodOn {
                    let figures = try client.metricsStoodOn(p, scope.segment)
                    send(.metricsLoaded(segment: scope.segment, figures, stoodOn: p))
                } else {
                    send(.metricsLoaded(segment: scope.segment, try client.metrics(scope.segment)))
                }
            } catch { send(.failed(ExplorerFailure(.loadMetrics, error))) }
        }
    }

    func readStamp() -> Cmd {
        Cmd(lane: .queue(.watch)) { [client] send in
            if let stamp = try? client.writeStamp() { send(.storeStamp(stamp)) }
        }
    }

    /// Reloads a profile that may have changed elsewhere, or says it is gone.
    func reloadProfile(_ key: Int64, pastDate: PointInTime? = nil) -> Cmd {
        Cmd(lane: .read) { [client] send in
            do {
                guard try client.customerExists(key) else {
                    send(.customerGone(key))
                    return
                }
                send(.profileLoaded(try pastDate.map { try client.profileStoodOn(key, $0) } ?? client.profile(key)))
            } catch { send(.failed(ExplorerFailure(.reloadProfile, error))) }
        }
    }

    /// A profile, today's or (after `@`) as it stood on `pastDate`.
    func loadProfile(_ key: Int64, pastDate: PointInTime? = nil) -> Cmd {
        Cmd(lane: .read) { send in
            do {
                send(.profileLoaded(try pastDate.map { try client.profileStoodOn(key, $0) } ?? client.profile(key)))
            } catch {
                send(.failed(ExplorerFailure(.loadProfile, error)))
            }
        }
    }

    func loadHistory(_ key: Int64, pastDate: PointInTime? = nil) -> Cmd {
        Cmd(lane: .read) { send in
            do {
                let events = try pastDate.map { try client.historyStoodOn(key, $0) } ?? client.history(key)
                send(.historyLoaded(key: key, events: events))
            } catch {
                send(.failed(ExplorerFailure(.loadHistory, error)))
            }
        }
    }

    /// Adds a recommendation's explanation to its detail; without one the detail stays as it is.
    func explainRecommendation(
        _ key: Int64, _ productId: String, pastDate: PointInTime?, shown: (title: String, lines: [String])
    ) -> Cmd {
        Cmd(lane: .read) { [client] send in
            guard let e = try? client.explainRecommendation(key, productId, pastDate) else { return }
            send(.explanationReady(title: shown.title, lines: shown.lines + ["", "Why this rank:"] + e.lines))
        }
    }

    /// The events behind an inferred preference, for its detail popup (a read: it shows while a
    /// refresh or an erase runs).
    func evidence(_ key: Int64, _ attribute: PreferenceAttribute, _ value: String, confidence: Double) -> Cmd {
        Cmd(lane: .read) { [client] send in
            do {
                let items = try client.evidence(key, attribute, value)
                var lines = items.map { c -> String in
                    let e = c.event
                    let share = Int((c.share * 100).rounded())
                    return "\(e.time.day)  \(e.type.rawValue)  \(e.product ?? e.productId ?? "")  "
                        + String(format: "%+.1f", c.contribution) + " (\(share)%)  [\(e.eventId)]"
                }
                if !lines.isEmpty {
                    lines += [
                        "",
                        "Each event adds its type's weight (purchase 5, cart 3, click 1.5, view 1) decayed by its "
                            + "age, before daily and monthly caps; % is its share of the preference's total."
                    ]
                }
                send(.progress(nil))
                send(
                    .evidenceReady(
                        title: "\(value): evidence, confidence \(Int((confidence * 100).rounded()))%", lines: lines))
            } catch { send(.failed(ExplorerFailure(.evidence, error))) }
        }
    }

    /// The segments with their counts, today's or (after `@`) as they stood on `pastDate`.
    func loadSegments(pastDate: PointInTime? = nil) -> Cmd {
        Cmd(lane: .read) { send in
            do {
                send(
                    .segmentsLoaded(
                        try pastDate.map { try client.segmentSummariesStoodOn($0) } ?? client.segmentSummaries()))
            } catch {
                send(.failed(ExplorerFailure(.loadSegments, error)))
            }
        }
    }

    /// Applies a gift change; the answer says whether it was a change, an undo or a redo.
    /// With the dialog's preview `token`, the change is refused if the customer changed since.
    func setGift(
        _ edit: GiftEdit, origin: GiftOrigin, customer: Int64, shown: ProfileReport?, token: String? = nil
    ) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                let r =
                    try token.flatMap { t in
                        try client.setGiftExpecting.map { try $0(edit.eventId, edit.isGift, edit.note, shown, t) }
                    } ?? client.setGift(edit.eventId, edit.isGift, edit.note, shown)
                send(.giftChanged(r.outcome, edit, origin: origin))
                // The history on show changes the one flag it holds (no re-read of every event).
                send(.historyFlagged(key: customer, edit))
                send(.profileLoaded(r.profile))
            } catch { send(.failed(ExplorerFailure(.changeGift, error))) }
        }
    }

    /// Counts what a clear would remove; the answer names the dialog settings it is for. A read:
    /// it does not wait behind a refresh or an erase.
    func countClear(_ key: Int64, range: HistoryWindow, settings: (range: Int, types: Int)) -> Cmd {
        Cmd(lane: .read) { send in
            do {
                send(
                    .clearCounted(
                        try client.countHistory(key, range), range: settings.range,
                        types: settings.types))
            } catch { send(.failed(ExplorerFailure(.countClear, error))) }
        }
    }

    func clear(_ key: Int64, range: HistoryWindow, token: String? = nil) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                let n =
                    try token.flatMap { t in try client.clearHistoryExpecting.map { try $0(key, range, t) } }
                    ?? client.clearHistory(key, range)
                send(.cleared(n))
                send(.historyLoaded(key: key, events: try client.history(key)))
                send(.profileLoaded(try client.profile(key)))
            } catch { send(.failed(ExplorerFailure(.clearHistory, error))) }
        }
    }

    func addNote(_ key: Int64, _ text: String) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                try client.addNote(key, text)
                send(.noteAdded)
                send(.profileLoaded(try client.profile(key)))
            } catch { send(.failed(ExplorerFailure(.addNote, error))) }
        }
    }

    /// Where `E` writes a customer's export: the working folder when it is writable, else the
    /// temporary folder, as `rapport-export-ID.json` (characters outside [A-Za-z0-9_-] become `_`).
    static func exportPath(id: String) -> String {
        let safe = id.unicodeScalars.map {
            CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" ? String($0) : "_"
        }.joined()
        let dir =
            FileManager.default.isWritableFile(atPath: FileManager.default.currentDirectoryPath)
            ? FileManager.default.currentDirectoryPath : NSTemporaryDirectory()
        return (dir as NSString).appendingPathComponent("rapport-export-\(safe).json")
    }

    /// Writes the customer's export beside the explorer; under `--redact` emails and phones are masked.
    func export(_ key: Int64, id: String, redact: Bool = false) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                let path = Self.exportPath(id: id)
                try client.exportToFile(key, path, redact)
                send(.exported(path))
            } catch { send(.failed(ExplorerFailure(.export, error))) }
        }
    }

    func erase(_ key: Int64, id: String) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                send(.progress("erasing \(id) and compacting the store…"))
                try client.forget(key)
                send(.progress(nil))
                send(.erased(id))
            } catch {
                send(.progress(nil))
                send(.failed(ExplorerFailure(.erase, error)))
            }
        }
    }

    /// Checks a rule as it is typed, off the UI loop: a parse error answers as soon as the
    /// rule queue reaches it, without touching data; the count of members waits a moment for
    /// the next key. A check superseded by a newer text is skipped before it parses, so a pasted
    /// 10,000-character rule is parsed a few times, not once per character.
    func checkRule(_ text: String, generation: Int) -> [Cmd] {
        newestRule.ask(generation)
        return [
            Cmd(lane: .queue(.rule)) { [newestRule, client, ruleParses] send in
                guard newestRule.isCurrent(generation) else { return }
                ruleParses.add()
                do {
                    let rule = try client.parseRule(text)
                    // Debounce: a count waits a moment for the next key, and is skipped if one came.
                    Thread.sleep(forTimeInterval: Effects.ruleDebounce)
                    guard newestRule.isCurrent(generation) else { return }
                    send(
                        .ruleChecked(
                            rule: text, count: try client.countMembers(rule), error: nil,
                            warnings: try client.ruleWarnings(rule)))
                } catch { send(.ruleChecked(rule: text, count: nil, error: ExplorerFailure(.checkRule, error))) }
            }
        ]
    }

    func updateSegment(name: String, rule: String) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                let n = try client.updateSegment(name, rule)
                send(.segmentUpdated(name, n, try client.ruleWarnings(try client.parseRule(rule))))
                send(.segmentsLoaded(try client.segmentSummaries()))
            } catch { send(.failed(ExplorerFailure(.updateSegment, error))) }
        }
    }

    func deleteSegment(name: String) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                try client.deleteSegment(name)
                send(.segmentDeleted(name))
                send(.segmentsLoaded(try client.segmentSummaries()))
            } catch { send(.failed(ExplorerFailure(.deleteSegment, error))) }
        }
    }

    func createSegment(name: String, rule: String) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                let saved = try client.createSegment(name, rule)
                send(.progress(nil))
                send(.segmentCreated(name, saved.members, saved.warnings))
                send(.segmentsLoaded(try client.segmentSummaries()))
            } catch {
                send(.segmentNotSaved(name: name, rule: rule, failure: ExplorerFailure(.createSegment, error)))
            }
        }
    }
}

/// The explorer's own queues: each runs its commands one at a time, beside the read and
/// write lanes (a list load superseded by a newer key is skipped before it runs).
enum EffectQueue: String {
    case list, metrics, watch, rule, accounts, count
}

extension Command.Lane {
    static func queue(_ q: EffectQueue) -> Self { .queue(q.rawValue) }
}

/// A count shared between threads.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// The newest generation of a request, shared by the UI loop that asks and the worker that runs.
final class NewestGeneration: @unchecked Sendable {
    private let lock = NSLock()
    private var newest = Int.min

    func ask(_ generation: Int) {
        lock.withLock { newest = max(newest, generation) }
    }

    func isCurrent(_ generation: Int) -> Bool {
        lock.withLock { generation >= newest }
    }
}
