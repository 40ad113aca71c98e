import GRDB

/// Database schema, versioned by GRDB's `DatabaseMigrator`. Never edit a shipped migration:
/// add a new one.
enum Schema {
    /// The customer list's sort indexes on metrics. A full refresh drops them, rewrites the
    /// table and builds them again, which is several times faster than updating them row by row.
    static let metricsIndexes = [
        "CREATE INDEX metrics_by_spend ON customer_metrics(spend DESC, customer_id)",
        "CREATE INDEX metrics_by_orders ON customer_metrics(orders DESC, customer_id)",
        "CREATE INDEX metrics_by_clv ON customer_metrics(clv_12m DESC, customer_id)",
        "CREATE INDEX metrics_by_recency ON customer_metrics(recency_days, customer_id)",
        "CREATE INDEX metrics_by_segment_id ON customer_metrics(rfm_segment, customer_id)",
        "CREATE INDEX metrics_by_stage_id ON customer_metrics(stage, customer_id)"
    ]

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE customers(
                        id INTEGER PRIMARY KEY,
                        external_id TEXT NOT NULL UNIQUE,
                        name TEXT, email TEXT, phone TEXT,
                        birth_year INTEGER, gender TEXT, city TEXT, country TEXT,
                        signup_time INTEGER, stated_channel TEXT,
                        consent_personalization INTEGER, consent_email INTEGER,
                        consent_sms INTEGER, consent_push INTEGER,
                        attributes TEXT
                    );
                    CREATE TABLE products(
                        id INTEGER PRIMARY KEY,
                        external_id TEXT NOT NULL UNIQUE,
                        title TEXT NOT NULL DEFAULT '',
                        category TEXT NOT NULL DEFAULT '',
                        brand TEXT NOT NULL DEFAULT '',
                        price REAL,
                        replenish_days INTEGER
                    );
                    CREATE TABLE events(
                        id INTEGER PRIMARY KEY,
                        external_id TEXT,
                        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                        product_id INTEGER REFERENCES products(id),
                        type INTEGER NOT NULL,
                        time INTEGER NOT NULL,
                        quantity INTEGER NOT NULL DEFAULT 1,
                        amount REAL NOT NULL DEFAULT 0,
                        channel TEXT,
                        is_gift INTEGER NOT NULL DEFAULT 0,
                        gift_note TEXT,
                        content_hash INTEGER
                    );
                    CREATE UNIQUE INDEX events_by_external_id ON events(external_id);
                    CREATE UNIQUE INDEX events_by_content ON events(content_hash) WHERE content_hash IS NOT NULL;
                    CREATE INDEX events_by_customer_time ON events(customer_id, time);
                    CREATE TABLE stated_preferences(
                        id INTEGER PRIMARY KEY,
                        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                        polarity TEXT NOT NULL CHECK (polarity IN ('like','dislike')),
                        kind TEXT NOT NULL CHECK (kind IN ('category','brand','product')),
                        value TEXT NOT NULL
                    );
                    CREATE INDEX stated_preferences_by_customer ON stated_preferences(customer_id);
                    CREATE TABLE notes(
                        id INTEGER PRIMARY KEY,
                        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                        time INTEGER NOT NULL,
                        analyst TEXT NOT NULL,
                        text TEXT NOT NULL
                    );
                    CREATE INDEX notes_by_customer ON notes(customer_id, time);
                    CREATE TABLE segments(
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        rule TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        analyst TEXT NOT NULL,
                        member_count INTEGER
                    );
                    CREATE TABLE customer_metrics(
                        customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
                        orders INTEGER NOT NULL DEFAULT 0,
                        spend REAL NOT NULL DEFAULT 0,
                        first_purchase INTEGER,
                        last_purchase INTEGER,
                        last_event INTEGER,
                        recency_days INTEGER,
                        r INTEGER, f INTEGER, m INTEGER,
                        rfm_segment TEXT,
                        stage TEXT,
                        p_alive REAL,
                        expected_90d REAL,
                        clv_12m REAL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX metrics_by_segment ON customer_metrics(rfm_segment);
                    CREATE INDEX metrics_by_stage ON customer_metrics(stage);
                    CREATE TABLE segment_members(
                        segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
                        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                        PRIMARY KEY(segment_id, customer_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX segment_members_by_customer ON segment_members(customer_id);
                    CREATE TABLE item_neighbors(
                        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                        neighbor_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                        weight REAL NOT NULL,
                        PRIMARY KEY(product_id, neighbor_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE model_state(
                        name TEXT PRIMARY KEY,
                        value BLOB NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE audit_log(
                        id INTEGER PRIMARY KEY,
                        time INTEGER NOT NULL,
                        analyst TEXT NOT NULL,
                        action TEXT NOT NULL,
                        customer_id INTEGER,
                        customer_ref TEXT,
                        details TEXT NOT NULL DEFAULT '{}'
                    );
                    CREATE INDEX audit_by_customer ON audit_log(customer_id, time);
                    """)
        }
        m.registerMigration("v2-browsing") { db in
            // Indexes for every sort of the customer list, so a page never sorts the table.
            try db.execute(
                sql: """
                    CREATE INDEX customers_by_name ON customers(name COLLATE NOCASE, id);
                    CREATE INDEX customers_by_email ON customers(email COLLATE NOCASE);
                    DROP INDEX metrics_by_segment;
                    DROP INDEX metrics_by_stage;
                    """)
            for sql in metricsIndexes { try db.execute(sql: sql) }
            // Substring search on name, email and id: a trigram index over the customers
            // table (external content, so the text is not stored twice), kept in step by triggers.
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE customers_search USING fts5(
                        name, email, external_id, content='customers', content_rowid='id', tokenize='trigram');
                    INSERT INTO customers_search(customers_search) VALUES ('rebuild');
                    \(searchInsertTrigger);
                    CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
                        INSERT INTO customers_search(customers_search, rowid, name, email, external_id)
                        VALUES ('delete', old.id, old.name, old.email, old.external_id);
                    END;
                    CREATE TRIGGER customers_search_update AFTER UPDATE OF name, email, external_id ON customers BEGIN
                        INSERT INTO customers_search(customers_search, rowid, name, email, external_id)
                        VALUES ('delete', old.id, old.name, old.email, old.external_id);
                        INSERT INTO customers_search(rowid, name, email, external_id)
                        VALUES (new.id, new.name, new.email, new.external_id);
                    END;
                    """)
        }
        m.registerMigration("v3-neighbor-lists") { db in
            // One row per product with its neighbours packed in a blob: a refresh writes 50k
            // rows instead of 5M, and a session reads them in a fraction of the time. The
            // neighbours of a store fitted before this are moved over, so nothing is refitted.
            try db.execute(
                sql: """
                    CREATE TABLE item_neighbor_lists(
                        product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
                        neighbors BLOB NOT NULL
                    );
                    """)
            var lists: [Int64: [(Int64, Double)]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT product_id, neighbor_id, weight FROM item_neighbors") {
                lists[row[0], default: []].append((row[1], row[2]))
            }
            for (product, list) in lists {
                try db.execute(
                    sql: "INSERT INTO item_neighbor_lists(product_id, neighbors) VALUES (?, ?)",
                    arguments: [product, NeighborBlob.encode(list.sorted { $0.1 > $1.1 })])
            }
            try db.execute(sql: "DROP TABLE item_neighbors")
        }
        m.registerMigration("v4-pending-erasures") { db in
            // One row per erasure whose scrubbing (VACUUM, WAL truncation) has not finished: written
            // in the erasure's transaction, removed once the files hold nothing of the customer.
            try db.execute(
                sql: "CREATE TABLE pending_erasures(customer_id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL)")
        }
        m.registerMigration("v5-affinities") { db in
            // Per-customer affinity vectors stored at refresh, read by rules with affinity(...).
            try db.execute(
                sql: """
                    CREATE TABLE customer_affinities(
                        customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
                        vector BLOB NOT NULL
                    )
                    """)
        }
        m.registerMigration("v6-customer-activity") { db in
            // Each customer's events folded into days for business metrics (the engine's
            // bytes), with the refresh figures the metrics group by: one table read answers any
            // window. Filled by the next full refresh; until then metrics read the events.
            try db.execute(
                sql: """
                    CREATE TABLE customer_activity(
                        customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
                        rfm_segment INTEGER,
                        clv_12m REAL,
                        p_alive REAL,
                        days BLOB NOT NULL
                    );
                    """)
        }
        m.registerMigration("v7-audit-guard") { _ in
            // PostgreSQL only: a trigger that lets analysts add to the audit log and nothing
            // else. A SQLite store is one file its owner can write whole; nothing to add here.
        }
        // An event id identifies an event of one customer, as on PostgreSQL (where a unique
        // index across customers would defeat distribution by customer): the same id in two
        // customers' files is two events, and `#key` names either when the id alone is ambiguous.
        m.registerMigration("v8-event-identity-per-customer") { db in
            try db.execute(
                sql: """
                    DROP INDEX events_by_external_id;
                    CREATE UNIQUE INDEX events_identity_by_id ON events(customer_id, external_id)
                        WHERE external_id IS NOT NULL;
                    CREATE INDEX events_by_external_id ON events(external_id) WHERE external_id IS NOT NULL;
                    """)
        }
        // Imports look up the erasures (their keyed id hashes) to say when they bring an erased
        // customer back: an index, so that costs nothing on a long audit log.
        m.registerMigration("v9-audit-by-action") { db in
            try db.execute(sql: "CREATE INDEX audit_by_action ON audit_log(action) WHERE action = 'customer.forget'")
        }
        // Every fit of the models, with the as-of date it was fitted for: a profile as it stood
        // on a past day uses the fit in force then (docs/as-of.md).
        m.registerMigration("v12-model-fits") { db in
            try db.execute(
                sql: """
                    CREATE TABLE model_fits(
                        id INTEGER PRIMARY KEY,
                        basis TEXT NOT NULL,
                        moment INTEGER NOT NULL,
                        as_of INTEGER NOT NULL,
                        fitted_at INTEGER NOT NULL,
                        events INTEGER NOT NULL,
                        last_event_key INTEGER NOT NULL,
                        engine BLOB NOT NULL,
                        items BLOB NOT NULL
                    );
                    CREATE INDEX model_fits_by_fitted_at ON model_fits(basis, fitted_at);
                    CREATE INDEX model_fits_by_moment ON model_fits(basis, moment);
                    """)
        }
        // Each analyst's corrections, with what undoing and redoing them needs, and the events a
        // clear-history holds until its retention window passes (docs/corrections.md).
        m.registerMigration("v11-action-log") { db in try db.execute(sql: ActionLogSchema.sqlite) }
        // B2B accounts (issue 21): a tree of firms, subsidiaries and departments, the people who
        // buy for them, the account a purchase was for, and each account's figures from the refresh.
        m.registerMigration("v10-accounts") { db in
            try db.execute(sql: AccountSchema.sqlite)
        }
        // A held event keeps the account it was bought for, so undoing a clear restores it whole.
        m.registerMigration("v13-held-event-accounts") { db in
            try db.execute(sql: "ALTER TABLE held_events ADD COLUMN account_id INTEGER")
        }
        m.registerMigration("v14-seam-customer-count") { db in try db.execute(sql: CustomerCountSchema.sql) }
        // Who bought what for which account, kept by the refresh for the accounts' recommendations.
        m.registerMigration("v15-acct-buyers") { db in try db.execute(sql: AccountBuyersSchema.sqlite) }
        // PostgreSQL's repair of indexes an older import left invalid; nothing to do on SQLite.
        m.registerMigration(ValidIndexesRepair.name) { _ in }
        // The account corrections' record, for the account structure as it stood on a past day.
        m.registerMigration(AccountChangesSchema.name) { db in try db.execute(sql: AccountChangesSchema.sqlite) }
        // The day each account became a client, so a past day before it leaves the account out.
        m.registerMigration(AccountSinceSchema.name) { db in try db.execute(sql: AccountSinceSchema.sqlite) }
        return m
    }

    /// Indexes each new customer for search. Imports drop it for their transaction and index
    /// their new customers in one statement at the end, which is several times faster.
    static let searchInsertTrigger = """
        CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
            INSERT INTO customers_search(rowid, name, email, external_id)
            VALUES (new.id, new.name, new.email, new.external_id);
        END
        """
}
