import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// The store's side of an all-or-nothing copy (issue 20 item 7), on both stores: the mark of a
/// copy under way, and emptying every data table without touching the search index or the
/// schema's bookkeeping.
@Suite("Unfinished copies")
struct UnfinishedCopyTests {
    @Test(arguments: Backend.available)
    func aMarkedStoreIsEmptiedWholeAndWorksAfter(_ backend: Backend) throws {
        let t = try TempStore(backend)
        #expect(try t.store.unfinishedCopy() == nil)
        let mark = UnfinishedCopy(source: "/data/old.sqlite", started: 1_767_571_200)
        try t.store.markCopyStarted(mark)
        #expect(try t.store.unfinishedCopy() == mark)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        #expect(try t.count("customers") > 0 && t.count("events") > 0 && t.count("audit_log") > 0)

        try t.store.discardUnfinishedCopy()
        for table in ["customers", "products", "events", "notes", "audit_log", "model_state", "stated_preferences"] {
            #expect(try t.count(table) == 0, "\(table)")
        }
        #expect(try t.store.unfinishedCopy() == nil)
        // The store works as new: the same files import whole, and the search finds by name.
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        let zoe = try t.store.requireCustomer("C1")
        let found = try t.store.customerPage(ListQuery(text: "Zoë"), offset: 0, limit: 10)
        #expect(found.map(\.key) == [zoe])
        try t.store.markCopyStarted(mark)
        try t.store.markCopyFinished()
        #expect(try t.store.unfinishedCopy() == nil)
    }
}
