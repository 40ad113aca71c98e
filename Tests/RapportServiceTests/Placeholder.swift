import Testing

@Test func placeholder_RapportServiceTests() { #expect(true) }
