import Foundation
import RapportService
import RapportStore
import RapportUI
@testable import RapportApp

/// The explorer running against a headless terminal, over a small store or over a fixture client.
final class Harness {
    /// The temporary store, when the harness has one (`init(client:)` has none).
    private let store: (dir: URL, workspace: Workspace)?
    var dir: URL {
        guard let store else { preconditionFailure("a fixture harness has no store") }
        return store.dir
    }
    var workspace: Workspace {
        guard let store else { preconditionFailure("a fixture harness has no store") }
        return store.workspace
    }
    let backend: HeadlessBackend
    let runtime: Runtime<Explorer>

    /// The fixed time of every explorer test: 2026-09-21T14:13:20Z.
    static let now: Int64 = 1_790_000_000

    static let customers = """
        customer_id,name,email,phone,birth_year,city,country,stated_channel,consent_personalization,consent_email,likes,dislikes
        C1,Margot Lindqvist,margot@example.com,+351 912 345 678,1979,Kraków,PL,email,true,true,Music/Jazz,Music/Rock
        C2,山田 太郎,taro@example.com,,1990,Tokyo,JP,app,true,false,,
        C3,"Mallory \u{1B}]0;pwned\u{07}\u{1B}[2J",mallory@example.com,,1985,Oslo,NO,web,false,false,,
        C4,Anna Côté,anna@example.com,,2000,Montréal,CA,web,true,true,,
        """
    static let products = """
        product_id,title,category,brand,price,replenish_days
        J1,Kind of Blue,Music/Jazz,Blue Room,20,
        J2,Late Night Trio,Music/Jazz,Blue Room,18,
        J3,Bebop Sessions,Music/Jazz,Vanguard,22,
        T1,Wooden Train,Toys,Tiny Giants,35,
        T2,Plush Dragon,Toys,Tiny Giants,25,
        R1,Loud Summer,Music/Rock,Amp,15,
        K1,Yirgacheffe,Coffee,Bean & Co,12,30
        """

    static func events() -> String {
        var rows = ["event_id,customer_id,timestamp,type,product_id,quantity,amount,channel"]
        var n = 0
        func add(_ c: String, _ day: String, _ type: String, _ p: String, _ amount: String) {
            n += 1
            rows.append("E\(n),\(c),\(day),\(type),\(p),1,\(amount),web")
        }
        // Margot: jazz every month for two years, toys only in December 2025.
        for m in 0..<22 {
            let month = (m % 12) + 1, year = 2024 + (m + 1) / 12
            let d = String(format: "%04d-%02d-15", year, month)
            add("C1", d, "view", ["J1", "J2", "J3"][m % 3], "0")
            add("C1", d, "purchase", ["J1", "J2", "J3"][m % 3], "20")
        }
        add("C1", "2025-12-05", "view", "T1", "0")
        add("C1", "2025-12-05T12:00:00Z", "purchase", "T1", "35")
        add("C1", "2025-12-12", "view", "T2", "0")
        add("C1", "2025-12-12T12:00:00Z", "purchase", "T2", "25")
        add("C1", "2025-12-19", "purchase", "T1", "35")
        // Others buy jazz with toys, so the model links them.
        for i in 0..<6 {
            let c = ["C2", "C4"][i % 2]
            add(c, "2025-0\(i + 1)-10", "purchase", ["J1", "J2"][i % 2], "20")
            add(c, "2025-0\(i + 1)-11", "purchase", ["T1", "T2"][i % 2], "30")
            add(c, "2025-0\(i + 1)-12", "view", "J3", "0")
        }
        add("C3", "2025-11-01", "purchase", "R1", "15")
        return rows.joined(separator: "\n") + "\n"
    }

    init(
        size: Size = Size(width: 80, height: 24), glyphs: Glyphs = .unicode, readOnly: Bool = false,
        keymap: Keymap = AppKeys.keymap(), redact: Bool = false
    ) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var files: [String] = []
        for (name, text) in [
            ("customers.csv", Self.customers), ("products.csv", Self.products), ("events.csv", Self.events())
        ] {
            let p = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: p))
            files.append(p)
        }
        let path = dir.appendingPathComponent("store.sqlite").path
        let setup = Workspace(store: try ProfileStore(path: path), analyst: "tester")
        _ = try setup.importFiles(files, options: ImportOptions(analyst: "tester"))
        let workspace = Workspace(
            store: try ProfileStore(path: path, readOnly: readOnly), analyst: "tester",
            clock: { Harness.now })
        store = (dir, workspace)
        backend = HeadlessBackend(size: size, glyphs: glyphs)
        let model = AppModel(
            size: size, glyphs: glyphs, readOnly: readOnly, redact: redact, storePath: path,
            keymap: keymap)
        runtime = Runtime(program: Explorer(client: .live(workspace)), model: model, backend: backend)
        runtime.startInitial()
        settle()
    }

    /// The explorer over a fixture client: no store, no files (`Fixtures.client` is the shop the
    /// store of `init()` holds).
    init(
        client: ExplorerClient, size: Size = Size(width: 80, height: 24), glyphs: Glyphs = .unicode,
        readOnly: Bool = false, keymap: Keymap = AppKeys.keymap(), redact: Bool = false
    ) {
        store = nil
        backend = HeadlessBackend(size: size, glyphs: glyphs)
        let model = AppModel(
            size: size, glyphs: glyphs, readOnly: readOnly, redact: redact,
            storePath: FileManager.default.temporaryDirectory.appendingPathComponent(Self.fixturePath).path,
            keymap: keymap)
        runtime = Runtime(program: Explorer(client: client), model: model, backend: backend)
        runtime.startInitial()
        settle()
    }

    /// Where a fixture harness says its store is: as long as a temporary store's path, so the
    /// status line is laid out alike (no file is made there).
    static let fixturePath = "rapport-app-00000000-0000-0000-0000-000000000000/store.sqlite"

    deinit { if let store { try? FileManager.default.removeItem(at: store.dir) } }

    /// Runs pending commands to completion and draws a frame.
    func settle() {
        runtime.settle()
        runtime.render()
    }

    /// Sends a message as the runtime would (a tick, say) and waits for what it started.
    func send(_ message: AppMessage) {
        runtime.send(message)
        settle()
    }

    func press(_ keys: Key...) {
        for k in keys {
            runtime.send(.input(.key(k)))
            settle()
        }
    }

    func type(_ text: String) { for c in text { press(.char(c)) } }

    func resize(_ s: Size) {
        backend.size = s
        runtime.send(.input(.resize(s)))
        settle()
    }

    var lines: [String] { backend.frame.lines() }
    var screen: String { backend.frame.text }
    var model: AppModel { runtime.model }
}
