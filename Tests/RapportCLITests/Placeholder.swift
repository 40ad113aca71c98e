import Testing

@Test func placeholder_RapportCLITests() { #expect(true) }
