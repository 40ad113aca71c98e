import Foundation
import RapportApp
import RapportUI

/// The explorer on a headless 120×40 screen as the benchmarks drive it: started, settled and
/// drawn, then fed key presses, each timed to a finished frame.
struct BenchExplorer {
    let backend = HeadlessBackend(size: Size(width: 120, height: 40))
    let runtime: Runtime<Explorer>

    init(_ client: ExplorerClient, storePath: String, readOnly: Bool) {
        let model = AppModel(
            size: backend.size, glyphs: .unicode, readOnly: readOnly, redact: false, storePath: storePath)
        runtime = Runtime(program: Explorer(client: client), model: model, backend: backend)
        runtime.startInitial()
        runtime.settle()
        runtime.render()
    }

    /// One key press to a finished frame, in seconds.
    func press(_ k: Key) -> TimeInterval {
        time { () -> Void in
            runtime.send(AppMessage.input(InputEvent.key(k)))
            runtime.settle()
            runtime.render()
        }.1
    }

    /// The moves a browse draws from at random.
    static let moves: [Key] = [.char("j"), .char("j"), .char("k"), .pageDown, .pageDown, .pageUp, .char("j")]

    /// Browsing the list: 300 random moves, 40 PgDn, End, 40 PgUp, Home, 200 random moves; the
    /// time of each key.
    func browse<G: RandomNumberGenerator>(using rng: inout G) -> [Double] {
        var times: [Double] = []
        for _ in 0..<300 { times.append(press(Self.moves.randomElement(using: &rng)!)) }
        for _ in 0..<40 { times.append(press(.pageDown)) }
        times.append(press(.end))
        for _ in 0..<40 { times.append(press(.pageUp)) }
        times.append(press(.home))
        for _ in 0..<200 { times.append(press(Self.moves.randomElement(using: &rng)!)) }
        return times
    }
}
