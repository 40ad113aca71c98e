import Testing

@Test func placeholder_RapportUITests() { #expect(true) }
