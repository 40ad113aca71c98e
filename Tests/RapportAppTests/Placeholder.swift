import Testing

@Test func placeholder_RapportAppTests() { #expect(true) }
