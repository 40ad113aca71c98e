/// The day each account became a client (migration `v18-account-since`), in each dialect:
/// `accounts.since`, from the accounts file's optional `since` column (a business date, as a
/// membership's `since`); NULL: always. As of a day before it the account did not exist
/// (`AccountStructureOn`). The partial index finds the few accounts with a later `since`
/// without reading the others.
enum AccountSinceSchema {
    static let name = "v18-account-since"

    static let sqlite = """
        ALTER TABLE accounts ADD COLUMN since INTEGER;
        CREATE INDEX accounts_by_since ON accounts(since) WHERE since IS NOT NULL;
        """

    static let postgres = """
        ALTER TABLE accounts ADD COLUMN since bigint;
        CREATE INDEX accounts_by_since ON accounts(since) WHERE since IS NOT NULL;
        """
}
