import Foundation
import Testing
@testable import RapportStore

/// The stamp a session's catalogue is kept by: an import (a product renamed) moves it, the
/// edits of one customer do not, on each store.
@Suite("The catalogue stamp")
struct CatalogueStampTests {
    @Test(arguments: Backend.available)
    func anImportMovesItAndANoteDoesNot(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let s = t.store
        let empty = try s.catalogueStamp()
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        let imported = try s.catalogueStamp()
        #expect(imported != empty)
        try s.addNote(customer: try s.requireCustomer("C1"), text: "Allergic to nuts", by: t.actor)
        #expect(try s.catalogueStamp() == imported)
        let renamed = "product_id,title,category,brand,price\nP2,Wooden Train Set,Toys,Tiny Giants,35\n"
        _ = try t.importFile(try t.file("renamed.csv", renamed))
        #expect(try s.catalogueStamp() != imported)
    }
}
