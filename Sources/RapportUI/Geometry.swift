/// A position on screen, in cells, origin top left.
public struct Point: Sendable, Equatable, Hashable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

public struct Size: Sendable, Equatable, Hashable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

public struct Rect: Sendable, Equatable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public init(size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func inset(_ d: Int) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// The top `n` rows and the rest.
    public func splitTop(_ n: Int) -> (Rect, Rect) {
        let h = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: h), Rect(x: x, y: y + h, width: width, height: height - h))
    }

    public func splitBottom(_ n: Int) -> (Rect, Rect) {
        let h = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: height - h), Rect(x: x, y: maxY - h, width: width, height: h))
    }

    public func splitLeft(_ n: Int) -> (Rect, Rect) {
        let w = min(max(0, n), width)
        return (Rect(x: x, y: y, width: w, height: height), Rect(x: x + w, y: y, width: width - w, height: height))
    }

    /// Splits the width by ratio (0...1) for the left part.
    public func splitLeft(ratio: Double) -> (Rect, Rect) { splitLeft(Int((Double(width) * ratio).rounded())) }

    /// A rect of at most `size`, centred in this one.
    public func centered(_ size: Size) -> Rect {
        let w = min(size.width, width), h = min(size.height, height)
        return Rect(x: x + (width - w) / 2, y: y + (height - h) / 2, width: w, height: h)
    }

    /// Rows of the given heights from the top, each cut to what is left of this rect.
    public func rows(_ heights: [Int]) -> [Rect] {
        var out: [Rect] = []
        var top = y
        for h in heights {
            let hh = min(h, maxY - top)
            out.append(Rect(x: x, y: top, width: width, height: max(0, hh)))
            top += max(0, hh)
        }
        return out
    }
}
