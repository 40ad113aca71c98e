/// The table of who bought what for which account (migration `v15-acct-buyers`), in each
/// dialect: one row per (account, product, person) by the attribution rule, written by the
/// refresh's account figures and by a correction's recompute of its firms. An account's
/// recommendations read their firm's rows (a few per member) instead of every purchase of
/// its members. Keyed by account, so one firm's rows are one index range; on PostgreSQL a
/// Citus table distributed by `account_id` (it is read per firm, never joined per customer).
/// The `model_state` entry `account_buyers` says a full refresh has filled it.
enum AccountBuyersSchema {
    static let stateName = "account_buyers"

    static let sqlite = """
        CREATE TABLE account_buyers(
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            product_id INTEGER NOT NULL,
            customer_id INTEGER NOT NULL,
            PRIMARY KEY(account_id, product_id, customer_id)
        ) WITHOUT ROWID;
        """

    static let postgres = """
        CREATE TABLE account_buyers(
            account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            product_id bigint NOT NULL,
            customer_id bigint NOT NULL,
            PRIMARY KEY (account_id, product_id, customer_id)
        );
        """
}
