/// The record of the analysts' corrections to the account structure (migration
/// `v17-account-changes`), in each dialect: one row per membership slot, parent or purchase a
/// correction (or its undo or redo) changed, with the time it was made and the value it found.
/// The structure as it stood on a past day is today's with every later change taken back,
/// newest first (`AccountStructureOn`). Imported files are what happened, not corrections:
/// they add no row. An erasure deletes the person's rows (`customerKeyedTables`); a parent's
/// rows name no person. On PostgreSQL a plain table: small (one row per correction), read
/// whole from a time on, never joined per customer.
enum AccountChangesSchema {
    static let name = "v17-account-changes"

    static let sqlite = """
        CREATE TABLE account_changes(
            id INTEGER PRIMARY KEY,
            time INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('membership', 'parent', 'attribution')),
            customer_id INTEGER,
            account_id INTEGER,
            role TEXT,
            event_id INTEGER,
            before_account INTEGER,
            before_membership TEXT
        );
        CREATE INDEX account_changes_by_time ON account_changes(time, id);
        CREATE INDEX account_changes_by_customer ON account_changes(customer_id) WHERE customer_id IS NOT NULL;
        """

    static let postgres = """
        CREATE TABLE account_changes(
            id bigserial PRIMARY KEY,
            time bigint NOT NULL,
            kind text NOT NULL CHECK (kind IN ('membership', 'parent', 'attribution')),
            customer_id bigint,
            account_id bigint,
            role text,
            event_id bigint,
            before_account bigint,
            before_membership text
        );
        CREATE INDEX account_changes_by_time ON account_changes(time, id);
        CREATE INDEX account_changes_by_customer ON account_changes(customer_id) WHERE customer_id IS NOT NULL;
        """
}
