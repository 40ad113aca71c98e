import Foundation

/// The JSON of every `--json` output and of exports: snake_case keys (each type names its own),
/// sorted, pretty, and absent values written as `null` rather than left out, so a script sees
/// the same keys on every row.
///
/// Synthesised `Encodable` conformances skip a `nil` optional (`encodeIfPresent`); this encoder
/// wraps the containers `JSONEncoder` hands out and writes `null` there instead, at any depth.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try JSONEncoder.pretty.encode(NullKeeping(value))
    }
}

/// Encodes `value` through containers that turn `encodeIfPresent(nil)` into `encodeNil`.
struct NullKeeping: Encodable {
    let value: any Encodable

    init(_ value: any Encodable) { self.value = value }

    func encode(to encoder: Encoder) throws {
        try value.encode(to: NullKeepingEncoder(base: encoder))
    }

    /// Values `JSONEncoder` writes itself (numbers, text, dates): passed through unwrapped.
    static func wrap<T: Encodable>(_ value: T) -> any Encodable {
        switch value {
        case is String, is Bool, is Int, is Int8, is Int16, is Int32, is Int64, is UInt, is UInt8, is UInt16,
            is UInt32, is UInt64, is Double, is Float, is Date, is Data, is URL, is Decimal:
            return value
        default:
            return NullKeeping(value)
        }
    }
}

struct NullKeepingEncoder: Encoder {
    let base: Encoder
    var codingPath: [CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(NullKeepingKeyed(base: base.container(keyedBy: type)))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer { NullKeepingUnkeyed(base: base.unkeyedContainer()) }

    func singleValueContainer() -> SingleValueEncodingContainer {
        NullKeepingSingle(base: base.singleValueContainer())
    }
}

struct NullKeepingKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var base: KeyedEncodingContainer<Key>
    var codingPath: [CodingKey] { base.codingPath }

    mutating func encodeNil(forKey key: Key) throws { try base.encodeNil(forKey: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try base.encode(value, forKey: key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try base.encode(AnyEncodable(NullKeeping.wrap(value)), forKey: key)
    }

    // The point of this type: an absent value is written as `null`.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try put(value, key) }

    private mutating func put<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try base.encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(NullKeepingKeyed<NestedKey>(base: base.nestedContainer(keyedBy: keyType, forKey: key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        NullKeepingUnkeyed(base: base.nestedUnkeyedContainer(forKey: key))
    }

    mutating func superEncoder() -> Encoder { NullKeepingEncoder(base: base.superEncoder()) }
    mutating func superEncoder(forKey key: Key) -> Encoder { NullKeepingEncoder(base: base.superEncoder(forKey: key)) }
}

struct NullKeepingUnkeyed: UnkeyedEncodingContainer {
    var base: UnkeyedEncodingContainer
    var codingPath: [CodingKey] { base.codingPath }
    var count: Int { base.count }

    mutating func encodeNil() throws { try base.encodeNil() }
    mutating func encode<T: Encodable>(_ value: T) throws { try base.encode(AnyEncodable(NullKeeping.wrap(value))) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(NullKeepingKeyed<NestedKey>(base: base.nestedContainer(keyedBy: keyType)))
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        NullKeepingUnkeyed(base: base.nestedUnkeyedContainer())
    }

    mutating func superEncoder() -> Encoder { NullKeepingEncoder(base: base.superEncoder()) }
}

struct NullKeepingSingle: SingleValueEncodingContainer {
    var base: SingleValueEncodingContainer
    var codingPath: [CodingKey] { base.codingPath }

    mutating func encodeNil() throws { try base.encodeNil() }
    mutating func encode<T: Encodable>(_ value: T) throws { try base.encode(AnyEncodable(NullKeeping.wrap(value))) }
}

/// An existential as a concrete `Encodable`, so `JSONEncoder` sees numbers and text as themselves.
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }

    func encode(to encoder: Encoder) throws {
        // Numbers, text and dates go to a single-value container so JSONEncoder formats them.
        switch value {
        case let v as String: try Self.single(encoder, v)
        case let v as Bool: try Self.single(encoder, v)
        case let v as Int: try Self.single(encoder, v)
        case let v as Int64: try Self.single(encoder, v)
        case let v as Double: try Self.single(encoder, v)
        case let v as Date: try Self.single(encoder, v)
        default: try value.encode(to: encoder)
        }
    }

    private static func single<T: Encodable>(_ encoder: Encoder, _ value: T) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
