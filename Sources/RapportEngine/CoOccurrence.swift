import Foundation

/// One worker's scratch for counting, for a single item i, how many customers have each other
/// item j in their basket as well: a dense count per item plus the list of items touched, so
/// clearing costs only what was counted. The cost for item i is the total size of its
/// customers' baskets; over all items, the sum of squared basket sizes.
struct CoCounter {
    private(set) var counts: [Int32]
    private(set) var touched: [Int32] = []

    init(items: Int) {
        counts = [Int32](repeating: 0, count: items)
        touched.reserveCapacity(min(items, 1 << 16))
    }

    /// Fills `counts` and `touched` for item i (i itself included, with its popularity).
    mutating func count(item i: Int, in x: Interactions) {
        clear()
        x.itemCustomers.withUnsafeBufferPointer { customers in
            x.basketStart.withUnsafeBufferPointer { start in
                x.basketItems.withUnsafeBufferPointer { items in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for k in x.itemStart[i]..<x.itemStart[i + 1] {
                            let c = Int(customers[k])
                            for j in items[start[c]..<start[c + 1]] {
                                if counts[Int(j)] == 0 { touched.append(j) }
                                counts[Int(j)] &+= 1
                            }
                        }
                    }
                }
            }
        }
    }

    private mutating func clear() {
        for j in touched { counts[Int(j)] = 0 }
        touched.removeAll(keepingCapacity: true)
    }
}

/// The k largest (weight, item) pairs seen, kept in a min-heap so each rejected candidate
/// costs one comparison. Of equal weights the lower item number (the more popular) wins, so
/// results never depend on the order candidates arrive in.
struct TopK {
    let k: Int
    private var heap: [(item: Int32, weight: Double)] = []

    init(_ k: Int) {
        self.k = k
        heap.reserveCapacity(k)
    }

    var isEmpty: Bool { heap.isEmpty }

    mutating func reset() { heap.removeAll(keepingCapacity: true) }

    mutating func offer(_ item: Int32, _ weight: Double) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append((item, weight))
            siftUp(heap.count - 1)
        } else if Self.better((item, weight), than: heap[0]) {
            heap[0] = (item, weight)
            siftDown(0)
        }
    }

    /// Best first.
    func sorted() -> [(item: Int32, weight: Double)] {
        heap.sorted { Self.better($0, than: $1) }
    }

    @inline(__always)
    static func better(_ a: (item: Int32, weight: Double), than b: (item: Int32, weight: Double)) -> Bool {
        a.weight != b.weight ? a.weight > b.weight : a.item < b.item
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.better(heap[parent], than: heap[i]) else { return }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var worst = i
            if l < heap.count && Self.better(heap[worst], than: heap[l]) { worst = l }
            if r < heap.count && Self.better(heap[worst], than: heap[r]) { worst = r }
            if worst == i { return }
            heap.swapAt(i, worst)
            i = worst
        }
    }
}

/// Runs `body` for every item number, on every core. Items are handed out in small chunks
/// (the popular items, numbered first, cost most), each chunk with a fresh worker state, so
/// the output depends only on the item, never on scheduling.
func forEachItemInParallel<State>(count: Int, makeState: () -> State, _ body: (Int, inout State) -> Void) {
    guard count > 0 else { return }
    let chunks = min(count, 64 * max(1, ProcessInfo.processInfo.activeProcessorCount))
    withoutActuallyEscaping(makeState) { makeState in
        withoutActuallyEscaping(body) { body in
            let job = UncheckedJob(makeState: makeState, body: body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var state = job.makeState()
                for item in (chunk * count / chunks)..<((chunk + 1) * count / chunks) {
                    job.body(item, &state)
                }
            }
        }
    }
}

/// The closures above write to disjoint per-item slots; this wrapper states that to the compiler.
private struct UncheckedJob<State>: @unchecked Sendable {
    let makeState: () -> State
    let body: (Int, inout State) -> Void
}
