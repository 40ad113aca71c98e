import Foundation
@testable import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// An account's members come a window at a time, like the customer list's rows: the profile
/// opens with the first window and asks for the next as the selection nears its end.
@Suite("Account members paged")
struct AccountMembersPagingTests {
    @Test func theMembersLoadAsTheListScrolls() throws {
        let members = (0..<250).map { i in
            AccountMemberView(
                id: String(format: "C%03d", i), name: "Person \(i)", role: "user", primary: false, title: nil,
                since: nil, until: nil, current: true, consent: true)
        }
        let asked = Asked()
        var client = AccountScreenTests.firm
        let finance = try client.account("FIN")
        let tree = try client.accountTree("ACME")
        client.accountScreen = { id, limit in
            var view = finance
            view.members = Array(members.prefix(limit))
            view.memberCount = members.count
            return (view, tree)
        }
        client.accountMembers = { _, offset, limit in
            asked.add(offset)
            return Array(members.dropFirst(offset).prefix(limit))
        }
        let h = Harness(client: client)
        h.press(.char("A"))
        h.press(.char("/"))
        h.type("fin")
        h.press(.enter, .enter)
        #expect(h.model.account?.view?.members.count == Effects.window)
        #expect(h.screen.contains("Person 0 user"))
        h.press(.tab)
        // Within the first half of the window nothing more is read.
        for _ in 0..<(Effects.window / 2 - 1) { h.press(.char("j")) }
        #expect(asked.offsets.isEmpty)
        h.press(.char("j"))
        #expect(asked.offsets == [Effects.window])
        #expect(h.model.account?.view?.members.count == 250)
        for _ in 0..<200 { h.press(.char("j")) }
        #expect(h.model.account?.selectedMember == 249 && asked.offsets == [Effects.window])
        #expect(h.screen.contains("Person 249 user"))
    }

    final class Asked: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Int] = []
        func add(_ offset: Int) {
            lock.lock()
            list.append(offset)
            lock.unlock()
        }
        var offsets: [Int] {
            lock.lock()
            defer { lock.unlock() }
            return list
        }
    }
}
