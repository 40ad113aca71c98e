// swift-tools-version: 6.1
import PackageDescription

// Dependency direction (see docs/ARCHITECTURE.md):
//   RapportUI                     -> Foundation only
//   RapportVocabulary             -> Foundation only (what crosses the service door from the store:
//                                    list rows, sort orders, import kinds)
//   RapportEngine                 -> Foundation, swift-numerics (logGamma), swift-algorithms (top-k)
//   RapportPostgres               -> PostgresNIO, swift-log (wire plumbing; no RapportStore, no GRDB)
//   RapportStore                  -> GRDB, RapportPostgres, RapportVocabulary, swift-crypto (HMAC): both backends
//   RapportTerminal               -> CNcursesw, RapportUI
//   RapportService                -> RapportStore, RapportEngine, RapportVocabulary
//   RapportApp                    -> RapportUI, RapportService, RapportEngine, RapportVocabulary (the words
//                                    of the views: kinds, intervals, list rows;
//                                    never RapportStore: the service is the door)
//   rapport (executable)          -> RapportApp, RapportTerminal, RapportService, RapportUI, RapportVocabulary
let package = Package(
    name: "Rapport",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rapport", targets: ["rapport"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-algorithms", from: "1.2.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2")
    ],
    targets: [
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(name: "RapportUI"),
        .target(name: "RapportVocabulary"),
        .target(
            name: "RapportEngine",
            dependencies: [
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "Algorithms", package: "swift-algorithms")
            ]
        ),
        .target(
            name: "RapportStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "RapportPostgres", "RapportVocabulary",
                // HMAC-SHA-256 for the erasure's id hash.
                .product(name: "Crypto", package: "swift-crypto")
            ]
        ),
        // Low-level PostgreSQL plumbing (URL, synchronous connection, pool, COPY, migrations runner)
        // for the second store backend; knows nothing of Rapport's schema.
        .target(
            name: "RapportPostgres",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log")
            ]
        ),
        .target(
            name: "RapportSampleData",
            path: "SampleData",
            exclude: ["README.md"],
            resources: [
                .copy("customers.csv"), .copy("products.csv"), .copy("events.csv"), .copy("notes.csv"),
                .copy("accounts.csv"), .copy("memberships.csv"), .copy("b2b-orders.csv")
            ]
        ),
        .target(
            name: "RapportTerminal",
            dependencies: ["CNcursesw", "RapportUI"]
        ),
        .target(
            name: "RapportService",
            dependencies: [
                "RapportStore", "RapportEngine", "RapportVocabulary", "RapportSampleData",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit")
            ]
        ),
        .target(
            name: "RapportApp",
            dependencies: ["RapportUI", "RapportService", "RapportEngine", "RapportVocabulary"]
        ),
        .executableTarget(
            name: "rapport",
            dependencies: [
                "RapportApp", "RapportTerminal", "RapportService", "RapportUI", "RapportVocabulary",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ]
        ),
        // Measures the budgets of docs/benchmarks.md on a big store, and the item model's build on
        // synthetic baskets (`rapport-bench items`); not part of `swift test`.
        .executableTarget(
            name: "rapport-bench",
            dependencies: ["RapportApp", "RapportService", "RapportUI", "RapportEngine"]
        ),
        .testTarget(name: "RapportUITests", dependencies: ["RapportUI"]),
        .testTarget(name: "RapportEngineTests", dependencies: ["RapportEngine"]),
        .testTarget(
            name: "RapportStoreTests",
            dependencies: [
                "RapportStore", "RapportPostgres", "RapportVocabulary", .product(name: "GRDB", package: "GRDB.swift"),
                // The one seeded generator of the fuzz tests.
                "RapportEngine"
            ]),
        .testTarget(
            name: "RapportPostgresTests",
            dependencies: ["RapportPostgres", .product(name: "PostgresNIO", package: "postgres-nio")]),
        .testTarget(
            name: "RapportServiceTests",
            dependencies: ["RapportService", "RapportStore", "RapportEngine", "RapportPostgres", "RapportVocabulary"]),
        .testTarget(
            name: "RapportAppTests",
            dependencies: [
                "RapportApp", "RapportService", "RapportStore", "RapportUI", "RapportEngine", "RapportVocabulary"
            ]),
        // These two run the built binary: they depend on it being built, not on any module.
        .testTarget(name: "RapportCLITests", dependencies: ["rapport"]),
        .testTarget(name: "RapportE2ETests", dependencies: ["rapport"])
    ]
)
