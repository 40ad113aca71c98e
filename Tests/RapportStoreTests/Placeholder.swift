import Testing

@Test func placeholder_RapportStoreTests() { #expect(true) }
