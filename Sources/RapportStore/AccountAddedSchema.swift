/// When each account and each membership entered the store (migration `v18-account-added`), in
/// each dialect: `added_at`, by the store's one clock (the workspace's, as the corrections'
/// `account_changes.time`). An import that makes the row sets it; an import that finds the row
/// already there leaves it. NULL: there before the record began, and so present on every past
/// day; also a membership an analyst's link made, which is a correction: its time and the empty
/// slot it found are in `account_changes`, so it is taken back as of an earlier day and kept
/// with today's corrections. An undo that puts a removed row back puts back its time. The
/// structure of a past day leaves out what was added after it (`AccountStructureOn`).
/// The partial indexes find the few rows added after a day without reading the others.
enum AccountAddedSchema {
    static let name = "v18-account-added"

    static let sqlite = """
        ALTER TABLE accounts ADD COLUMN added_at INTEGER;
        ALTER TABLE memberships ADD COLUMN added_at INTEGER;
        CREATE INDEX accounts_by_added ON accounts(added_at) WHERE added_at IS NOT NULL;
        CREATE INDEX memberships_by_added ON memberships(added_at) WHERE added_at IS NOT NULL;
        """

    static let postgres = """
        ALTER TABLE accounts ADD COLUMN added_at bigint;
        ALTER TABLE memberships ADD COLUMN added_at bigint;
        CREATE INDEX accounts_by_added ON accounts(added_at) WHERE added_at IS NOT NULL;
        CREATE INDEX memberships_by_added ON memberships(added_at) WHERE added_at IS NOT NULL;
        """
}
