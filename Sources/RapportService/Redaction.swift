import Foundation
import RapportVocabulary

/// `--redact`: email addresses and phone numbers masked wherever they would be shown, on the
/// explorer's screens and in the commands' text and JSON. One implementation for both.
public enum Redaction {
    /// `m***@example.com`: the first letter and the domain stay, so people can still tell rows apart.
    public static func email(_ s: String) -> String {
        guard let at = s.firstIndex(of: "@") else { return phone(s) }
        return String(s.prefix(1)) + "***" + s[at...]
    }

    /// `**********58`: only the last two characters stay.
    public static func phone(_ s: String) -> String {
        String(repeating: "*", count: max(0, s.count - 2)) + s.suffix(2)
    }

    /// Free text (a note, a filter) with every email-like word and phone-like run masked.
    public static func text(_ s: String) -> String {
        var out = s
        for (pattern, mask) in [(emailPattern, email), (phonePattern, phone)] {
            guard let re = try? NSRegularExpression(pattern: pattern) else { continue }
            for match in re.matches(in: out, range: NSRange(out.startIndex..., in: out)).reversed() {
                guard let r = Range(match.range, in: out) else { continue }
                if pattern == phonePattern && !looksLikePhone(String(out[r])) { continue }
                out.replaceSubrange(r, with: mask(String(out[r])))
            }
        }
        return out
    }

    /// Eight digits or more, and not a date (`2026-09-01`, `2026-09-01T10:00`).
    static func looksLikePhone(_ s: String) -> Bool {
        s.filter(\.isNumber).count >= 8 && s.range(of: #"^\d{4}-\d{2}-\d{2}"#, options: .regularExpression) == nil
    }

    /// A word with an `@` between non-space characters.
    static let emailPattern = #"[^\s@]+@[^\s@]+"#
    /// A run of at least seven digits, allowing the spaces, dots, dashes and brackets phone numbers carry.
    static let phonePattern = #"\+?\d[\d\s().-]{5,}\d"#
}

extension CustomerIdentity {
    /// This identity with its email and phone masked, and any email or phone number written
    /// into another field (a name, a city, an extra column) masked too.
    public var redacted: CustomerIdentity {
        var c = self
        c.email = c.email.map(Redaction.email)
        c.phone = c.phone.map(Redaction.phone)
        c.name = c.name.map(Redaction.text)
        c.city = c.city.map(Redaction.text)
        c.country = c.country.map(Redaction.text)
        c.gender = c.gender.map(Redaction.text)
        c.statedChannel = c.statedChannel.map(Redaction.text)
        c.attributes = c.attributes.mapValues(Redaction.text)
        return c
    }
}

extension CustomerListItem {
    public var redacted: CustomerListItem {
        var c = self
        c.email = c.email.map(Redaction.email)
        c.name = c.name.map(Redaction.text)
        return c
    }
}

extension ProfileReport {
    /// Email and phone masked, and any email or phone number written into a note.
    public var redacted: ProfileReport {
        var p = self
        p.customer = p.customer.redacted
        for i in p.notes.indices { p.notes[i].text = Redaction.text(p.notes[i].text) }
        return p
    }
}

extension CustomerExport {
    public var redacted: CustomerExport {
        var x = self
        x.customer = x.customer.redacted
        for i in x.notes.indices { x.notes[i].text = Redaction.text(x.notes[i].text) }
        for i in x.events.indices { x.events[i].giftNote = x.events[i].giftNote.map(Redaction.text) }
        x.audit = x.audit.map(\.redacted)
        return x
    }
}

extension HistoryEvent {
    public var redacted: HistoryEvent {
        var e = self
        e.giftNote = e.giftNote.map(Redaction.text)
        return e
    }
}

extension AuditView {
    /// The details that are free text (a gift's note, a note's resolved text), masked; ids,
    /// counts and hashes stay as they are.
    public var redacted: AuditView {
        var a = self
        for key in ["note", "text"] { a.details[key] = a.details[key].map(Redaction.text) }
        return a
    }
}
