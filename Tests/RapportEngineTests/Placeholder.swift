import Testing

@Test func placeholder_RapportEngineTests() { #expect(true) }
