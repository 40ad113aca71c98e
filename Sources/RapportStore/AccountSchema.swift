/// The tables of B2B accounts (migration `v10-accounts`), in each dialect.
///
/// - `accounts`: the tree of firms, subsidiaries and departments (one parent each).
/// - `memberships`: who belongs to which account, in which role, from when to when; keyed by
///   customer first, so an erasure deletes a person's rows and PostgreSQL partitions them with
///   the customer's other rows.
/// - `events.account_id`: the account a purchase was made for, when the file or an analyst says.
/// - `account_figures`: what the refresh computed per account; the sortable figures as columns,
///   the rest as the service's JSON.
/// - `account_notes`: analysts' notes on an account.
enum AccountSchema {
    static let sqlite = """
        CREATE TABLE accounts(
            id INTEGER PRIMARY KEY,
            external_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL DEFAULT '',
            parent_id INTEGER REFERENCES accounts(id),
            kind TEXT NOT NULL CHECK (kind IN ('company','subsidiary','department')),
            domain TEXT, industry TEXT, tier TEXT, reporting_cadence TEXT, sla TEXT
        );
        CREATE INDEX accounts_by_parent ON accounts(parent_id, id);
        CREATE INDEX accounts_by_name ON accounts(name COLLATE NOCASE, id);
        CREATE TABLE memberships(
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            role TEXT NOT NULL DEFAULT '',
            is_primary INTEGER NOT NULL DEFAULT 0,
            title TEXT,
            since INTEGER,
            until INTEGER,
            PRIMARY KEY(customer_id, account_id, role)
        ) WITHOUT ROWID;
        CREATE INDEX memberships_by_account ON memberships(account_id, customer_id);
        ALTER TABLE events ADD COLUMN account_id INTEGER;
        CREATE INDEX events_by_account ON events(account_id) WHERE account_id IS NOT NULL;
        CREATE TABLE account_figures(
            account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
            members INTEGER NOT NULL DEFAULT 0,
            revenue REAL NOT NULL DEFAULT 0,
            revenue_12m REAL NOT NULL DEFAULT 0,
            engagement INTEGER,
            trend TEXT,
            coverage REAL,
            p_alive REAL,
            detail TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX account_figures_by_revenue ON account_figures(revenue DESC, account_id);
        CREATE INDEX account_figures_by_engagement ON account_figures(engagement DESC, account_id);
        CREATE INDEX account_figures_by_coverage ON account_figures(coverage DESC, account_id);
        CREATE INDEX account_figures_by_p_alive ON account_figures(p_alive DESC, account_id);
        CREATE TABLE account_notes(
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            time INTEGER NOT NULL,
            analyst TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX account_notes_by_account ON account_notes(account_id, time);
        """

    /// Accounts and their figures are small beside customers and are joined with everything:
    /// Citus reference tables. Memberships go with the customer (distributed by `customer_id`).
    static let postgres = """
        CREATE TABLE accounts(
            id bigserial PRIMARY KEY,
            external_id text NOT NULL UNIQUE,
            name text NOT NULL DEFAULT '',
            parent_id bigint REFERENCES accounts(id),
            kind text NOT NULL CHECK (kind IN ('company','subsidiary','department')),
            domain text, industry text, tier text, reporting_cadence text, sla text
        );
        CREATE INDEX accounts_by_parent ON accounts(parent_id, id);
        CREATE INDEX accounts_by_name ON accounts((lower(name) COLLATE "C"), id);
        CREATE TABLE memberships(
            customer_id bigint NOT NULL,
            account_id bigint NOT NULL,
            role text NOT NULL DEFAULT '',
            is_primary boolean NOT NULL DEFAULT false,
            title text,
            since bigint,
            until bigint,
            PRIMARY KEY (customer_id, account_id, role)
        ) PARTITION BY HASH (customer_id);
        \(PostgresSchema.partitioned("memberships"))
        CREATE INDEX memberships_by_account ON memberships(account_id, customer_id);
        ALTER TABLE events ADD COLUMN account_id bigint;
        CREATE INDEX events_by_account ON events(account_id) WHERE account_id IS NOT NULL;
        CREATE TABLE account_figures(
            account_id bigint PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
            members integer NOT NULL DEFAULT 0,
            revenue double precision NOT NULL DEFAULT 0,
            revenue_12m double precision NOT NULL DEFAULT 0,
            engagement integer,
            trend text,
            coverage double precision,
            p_alive double precision,
            detail text NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE INDEX account_figures_by_revenue ON account_figures(revenue DESC NULLS LAST, account_id);
        CREATE INDEX account_figures_by_engagement ON account_figures(engagement DESC NULLS LAST, account_id);
        CREATE INDEX account_figures_by_coverage ON account_figures(coverage DESC NULLS LAST, account_id);
        CREATE INDEX account_figures_by_p_alive ON account_figures(p_alive DESC NULLS LAST, account_id);
        CREATE TABLE account_notes(
            id bigserial PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            time bigint NOT NULL,
            analyst text NOT NULL,
            text text NOT NULL
        );
        CREATE INDEX account_notes_by_account ON account_notes(account_id, time);
        """
}
