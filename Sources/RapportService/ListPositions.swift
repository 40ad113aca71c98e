import Foundation
import RapportStore
import RapportVocabulary

/// Turns "the rows at position N" into a keyset read: rows whose positions in the current list
/// are known (the edges of the pages already served, and a sample of every `sampleStep`th row,
/// walked once on the first jump that needs it) are the edges pages are read from. A page
/// next to one served (a move, PgDn, PgUp), the first page and the last (End, read backwards)
/// pass over no rows; any other position passes over fewer than `sampleStep`. Everything is
/// forgotten when the query or the store changes (the store's write stamp).
final class ListPositions: @unchecked Sendable {
    /// One sampled row in this many.
    let sampleStep: Int
    /// Page edges remembered at most (the samples are kept besides).
    static let maxEdges = 2_048

    init(sampleStep: Int = 256) { self.sampleStep = sampleStep }

    private let lock = NSLock()
    private var query: ListQuery?
    private var stamp = ""
    /// Rows at known positions: the edges of pages served.
    private var edges: [Int: CustomerListItem] = [:]
    /// Every `sampleStep`th row (positions step-1, 2·step-1, …), once walked.
    private var samples: [Int: CustomerListItem]?

    /// The rows at `offset..<offset+limit` of the list, `total` long when known.
    func page(_ store: any StoreBackend, _ q: ListQuery, offset: Int, limit: Int, total: Int?) throws
        -> [CustomerListItem]
    {
        try lock.withLock {
            let now = try store.writeStamp()
            if q != query || now != stamp {
                query = q
                stamp = now
                edges = [:]
                samples = nil
            }
            let limit = min(limit, total.map { max(0, $0 - offset) } ?? limit)
            guard limit > 0, offset >= 0 else { return [] }
            var read = nearestEdge(offset: offset, limit: limit, total: total)
            if read.skip > sampleStep && samples == nil {
                samples = try sample(store, q, total: total)
                read = nearestEdge(offset: offset, limit: limit, total: total)
            }
            let rows = try store.customerKeysetPage(
                q, from: read.edge, read.direction, skip: read.skip, limit: limit, total: total)
            if edges.count >= Self.maxEdges { edges = [:] }
            if let first = rows.first, let last = rows.last {
                edges[offset] = first
                edges[offset + rows.count - 1] = last
            }
            return rows
        }
    }

    /// A keyset read: from which row, which way, passing over how many.
    struct Read {
        var edge: CustomerListItem?
        var direction: PageDirection
        var skip: Int
    }

    /// The read that passes over the fewest rows: from the start, from the end (when the total
    /// is known), or from a known row before or after the page.
    func nearestEdge(offset: Int, limit: Int, total: Int?) -> Read {
        var best = Read(edge: nil, direction: .forward, skip: offset)
        if let total, total - offset - limit < best.skip {
            best = Read(edge: nil, direction: .backward, skip: max(0, total - offset - limit))
        }
        for known in [edges, samples ?? [:]] {
            for (position, row) in known {
                if position < offset && offset - position - 1 < best.skip {
                    best = Read(edge: row, direction: .forward, skip: offset - position - 1)
                } else if position >= offset + limit && position - offset - limit < best.skip {
                    best = Read(edge: row, direction: .backward, skip: position - offset - limit)
                }
            }
        }
        return best
    }

    /// Every `sampleStep`th row of the list, by one walk along its index (each step passes over
    /// `sampleStep - 1` rows from the row before).
    private func sample(_ store: any StoreBackend, _ q: ListQuery, total: Int?) throws -> [Int: CustomerListItem] {
        var samples: [Int: CustomerListItem] = [:]
        var edge: CustomerListItem?
        var position = -1
        while true {
            let next = try store.customerKeysetPage(
                q, from: edge, .forward, skip: sampleStep - 1, limit: 1, total: total)
            guard let row = next.first else { break }
            position += sampleStep
            samples[position] = row
            edge = row
        }
        return samples
    }
}
