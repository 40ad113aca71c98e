import Foundation
import PostgresNIO

/// A bind parameter for `$1, $2 …`. Each case carries its own type so that a NULL still tells the server
/// what it is (`WHERE x = $1` with an untyped NULL can be ambiguous, and `ANY($1)` needs an array type).
public enum PGValue: Sendable, Equatable {
    case int64(Int64?)
    case double(Double?)
    case string(String?)
    case bool(Bool?)
    /// `bytea`.
    case bytes([UInt8]?)
    /// `int8[]`, for `WHERE id = ANY($1)`.
    case int64Array([Int64]?)
    /// `text[]`.
    case stringArray([String]?)
    /// A NULL whose type the server infers from context.
    case null

    public static func int(_ v: Int?) -> PGValue { .int64(v.map(Int64.init)) }
    public static func data(_ v: Data?) -> PGValue { .bytes(v.map { [UInt8]($0) }) }
    public static func intArray(_ v: [Int]?) -> PGValue { .int64Array(v.map { $0.map(Int64.init) }) }

    func append(to bindings: inout PostgresBindings) {
        switch self {
        case .int64(let v): append(v, .int8, to: &bindings)
        case .double(let v): append(v, .float8, to: &bindings)
        case .string(let v): append(v, .text, to: &bindings)
        case .bool(let v): append(v, .bool, to: &bindings)
        case .bytes(let v):
            if let v { bindings.append(ByteBuffer(bytes: v)) } else { bindings.append(PostgresData(type: .bytea)) }
        case .int64Array(let v): append(v, .int8Array, to: &bindings)
        case .stringArray(let v): append(v, .textArray, to: &bindings)
        case .null: bindings.appendNull()
        }
    }

    private func append<T: PostgresNonThrowingEncodable>(
        _ v: T?, _ type: PostgresDataType, to bindings: inout PostgresBindings
    ) {
        if let v { bindings.append(v) } else { bindings.append(PostgresData(type: type)) }
    }
}

extension PGValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// One result row, decoded by column index. Getters return nil for SQL NULL and throw on a type that does not
/// fit, so a schema mistake is an error rather than a silent nil.
public struct PGRow: Sendable {
    let cells: [PostgresCell]

    init(_ row: PostgresRow) { cells = Array(row) }

    public var count: Int { cells.count }

    public func columnName(_ i: Int) -> String { cells[i].columnName }

    public func isNull(_ i: Int) -> Bool { cells[i].bytes == nil }

    /// int2/int4/int8, and integral numeric (SUM of an integer column is numeric).
    public func int64(_ i: Int) throws -> Int64? {
        if let type = dataType(i), type != .numeric { return try decodedInPlace(i, Int64.self) }
        let cell = try cell(i)
        guard cell.bytes != nil else { return nil }
        if cell.dataType == .numeric {
            let text = try cell.decode(Decimal.self).description
            guard let v = Int64(text) else {
                throw PGError.decode(column: i, "numeric \(text) is not a 64-bit integer")
            }
            return v
        }
        return try decode(cell, Int64.self)
    }

    public func int(_ i: Int) throws -> Int? { try int64(i).map { Int($0) } }

    /// float4/float8, numeric, and the integer types.
    public func double(_ i: Int) throws -> Double? {
        if let type = dataType(i), type == .float8 || type == .float4 { return try decodedInPlace(i, Double.self) }
        let cell = try cell(i)
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .numeric:
            let text = try cell.decode(Decimal.self).description
            return Double(text)
        case .int2, .int4, .int8:
            return try decode(cell, Int64.self).map(Double.init)
        default:
            return try decode(cell, Double.self)
        }
    }

    public func string(_ i: Int) throws -> String? { try decodedInPlace(i, String.self) }

    public func bool(_ i: Int) throws -> Bool? { try decodedInPlace(i, Bool.self) }

    /// `bytea`.
    public func bytes(_ i: Int) throws -> [UInt8]? {
        let cell = try cell(i)
        guard let buffer = cell.bytes else { return nil }
        return Array(buffer.readableBytesView)
    }

    public func int64Array(_ i: Int) throws -> [Int64]? {
        let cell = try cell(i)
        guard cell.bytes != nil else { return nil }
        return try decode(cell, [Int64].self)
    }

    public func stringArray(_ i: Int) throws -> [String]? {
        let cell = try cell(i)
        guard cell.bytes != nil else { return nil }
        return try decode(cell, [String].self)
    }

    private func cell(_ i: Int) throws -> PostgresCell {
        guard cells.indices.contains(i) else { throw PGError.decode(column: i, "the row has \(cells.count) columns") }
        return cells[i]
    }

    private func decode<T: PostgresDecodable>(_ cell: PostgresCell, _ type: T.Type) throws -> T? {
        do {
            return try cell.decode(T.self)
        } catch {
            throw PGError.decode(column: cell.columnIndex, "\(cell.columnName) (\(cell.dataType)) is not a \(T.self)")
        }
    }

    /// Column `i` decoded where it lies, for the common types: a profile reads 10,000 rows of
    /// nine columns, and copying each cell out (its bytes' handle retained and released twice)
    /// was most of the client's time. Nil: SQL NULL; `type` says what the column is.
    private func decodedInPlace<T: PostgresDecodable>(_ i: Int, _ type: T.Type) throws -> T? {
        guard cells.indices.contains(i) else { throw PGError.decode(column: i, "the row has \(cells.count) columns") }
        guard var bytes = cells[i].bytes else { return nil }
        do {
            return try T(from: &bytes, type: cells[i].dataType, format: cells[i].format, context: .default)
        } catch {
            throw PGError.decode(column: i, "\(cells[i].columnName) (\(cells[i].dataType)) is not a \(T.self)")
        }
    }

    private func dataType(_ i: Int) -> PostgresDataType? { cells.indices.contains(i) ? cells[i].dataType : nil }
}
