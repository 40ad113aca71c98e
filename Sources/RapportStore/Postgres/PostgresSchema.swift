import RapportPostgres

/// The PostgreSQL schema, under the same version names as SQLite's (`Schema.versionNames`):
/// one list, two dialects. Never edit a shipped migration: add a new one.
///
/// Ready for Citus: every table keyed by customer carries `customer_id` and is hash
/// partitioned by it, and its unique constraints all include it. Only the tables that would be
/// reference tables (products, segments, model state, neighbour lists) have keys of their
/// own. `customer_keys` maps the ids people use to customer keys; it is keyed by the external
/// id, so it distributes by that. See docs/postgres.md.
///
/// The big tables (events, and the per-customer figures a refresh rewrites) have no foreign
/// keys: a check per row, which locks the customer's row, was most of a bulk import's time.
/// Every statement that writes them resolves or checks the customer in the same statement,
/// under the write lock, and an erasure deletes from them by name (`unreferencedCustomerTables`),
/// holding that lock exclusively so no import adds a row for the customer meanwhile.
enum PostgresSchema {
    /// Hash partitions per customer-keyed table: enough to spread a million customers and to
    /// show the planner prunes by customer; Citus replaces them with shards.
    static let partitions = 8

    static func partitioned(_ table: String) -> String {
        (0..<partitions).map {
            "CREATE TABLE \(table)_p\($0) PARTITION OF \(table) FOR VALUES WITH (MODULUS \(partitions), REMAINDER \($0));"
        }.joined(separator: "\n")
    }

    /// The sort indexes of the customer list. Nulls sort as SQLite sorts them (smallest), so
    /// both backends page the same customers in the same order.
    static let metricsIndexes = [
        "CREATE INDEX metrics_by_spend ON customer_metrics(spend DESC NULLS LAST, customer_id)",
        "CREATE INDEX metrics_by_orders ON customer_metrics(orders DESC NULLS LAST, customer_id)",
        "CREATE INDEX metrics_by_clv ON customer_metrics(clv_12m DESC NULLS LAST, customer_id)",
        "CREATE INDEX metrics_by_recency ON customer_metrics(recency_days NULLS FIRST, customer_id)",
        "CREATE INDEX metrics_by_segment_id ON customer_metrics(rfm_segment COLLATE \"C\" NULLS FIRST, customer_id)",
        "CREATE INDEX metrics_by_stage_id ON customer_metrics(stage COLLATE \"C\" NULLS FIRST, customer_id)"
    ]

    /// What the text filter searches: name, email and id, lower-cased, in one string.
    static func searchText(_ table: String = "") -> String {
        let t = table.isEmpty ? "" : table + "."
        return "lower(coalesce(\(t)name, '') || ' ' || coalesce(\(t)email, '') || ' ' || \(t)external_id)"
    }

    /// Tables keyed by customer without a foreign key to `customers`: an erasure deletes from each.
    static let unreferencedCustomerTables = ["events", "customer_metrics", "customer_affinities", "customer_activity"]

    static let migrations: [PGMigration] = [
        PGMigration(
            name: "v1",
            sql: """
                CREATE TABLE customer_keys(
                    external_id text PRIMARY KEY,
                    customer_id bigint NOT NULL
                );
                CREATE SEQUENCE customers_id_seq;
                CREATE TABLE customers(
                    id bigint NOT NULL PRIMARY KEY,
                    external_id text NOT NULL,
                    name text, email text, phone text,
                    birth_year integer, gender text, city text, country text,
                    signup_time bigint, stated_channel text,
                    consent_personalization boolean, consent_email boolean,
                    consent_sms boolean, consent_push boolean,
                    attributes text
                ) PARTITION BY HASH (id);
                \(partitioned("customers"))
                CREATE TABLE products(
                    id bigserial PRIMARY KEY,
                    external_id text NOT NULL UNIQUE,
                    title text NOT NULL DEFAULT '',
                    category text NOT NULL DEFAULT '',
                    brand text NOT NULL DEFAULT '',
                    price double precision,
                    replenish_days integer
                );
                CREATE SEQUENCE events_id_seq;
                CREATE TABLE events(
                    customer_id bigint NOT NULL,
                    id bigint NOT NULL DEFAULT nextval('events_id_seq'),
                    external_id text,
                    product_id bigint,
                    type smallint NOT NULL,
                    time bigint NOT NULL,
                    quantity integer NOT NULL DEFAULT 1,
                    amount double precision NOT NULL DEFAULT 0,
                    channel text,
                    is_gift boolean NOT NULL DEFAULT false,
                    gift_note text,
                    content_hash bigint,
                    -- The k-th row of a file with the same content (see ContentHash): re-importing a
                    -- file, or a longer version of it, adds only the new rows.
                    content_occurrence integer NOT NULL DEFAULT 0,
                    PRIMARY KEY (customer_id, id)
                ) PARTITION BY HASH (customer_id);
                \(partitioned("events"))
                -- An event's identity: its file id, or its content for rows without one. Partial, so
                -- each row has an entry in one of the two only.
                CREATE UNIQUE INDEX events_identity_by_id ON events(customer_id, external_id)
                    WHERE external_id IS NOT NULL;
                CREATE UNIQUE INDEX events_identity_by_content ON events(customer_id, content_hash, content_occurrence)
                    WHERE content_hash IS NOT NULL;
                CREATE INDEX events_by_customer_time ON events(customer_id, time, id);
                CREATE INDEX events_by_id ON events(id);
                CREATE INDEX events_by_external_id ON events(external_id) WHERE external_id IS NOT NULL;
                CREATE TABLE stated_preferences(
                    customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                    id bigserial,
                    polarity text NOT NULL CHECK (polarity IN ('like','dislike')),
                    kind text NOT NULL CHECK (kind IN ('category','brand','product')),
                    value text NOT NULL,
                    PRIMARY KEY (customer_id, id)
                ) PARTITION BY HASH (customer_id);
                \(partitioned("stated_preferences"))
                CREATE TABLE notes(
                    customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                    id bigserial,
                    time bigint NOT NULL,
                    analyst text NOT NULL,
                    text text NOT NULL,
                    PRIMARY KEY (customer_id, id)
                ) PARTITION BY HASH (customer_id);
                \(partitioned("notes"))
                CREATE INDEX notes_by_id ON notes(id);
                CREATE TABLE segments(
                    id bigserial PRIMARY KEY,
                    name text NOT NULL UNIQUE,
                    rule text NOT NULL,
                    created_at bigint NOT NULL,
                    analyst text NOT NULL,
                    member_count integer
                );
                CREATE TABLE customer_metrics(
                    customer_id bigint NOT NULL PRIMARY KEY,
                    orders integer NOT NULL DEFAULT 0,
                    spend double precision NOT NULL DEFAULT 0,
                    first_purchase bigint, last_purchase bigint, last_event bigint,
                    recency_days integer,
                    r integer, f integer, m integer,
                    rfm_segment text, stage text,
                    p_alive double precision, expected_90d double precision, clv_12m double precision,
                    updated_at bigint NOT NULL
                ) PARTITION BY HASH (customer_id);
                \(partitioned("customer_metrics"))
                CREATE TABLE segment_members(
                    customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                    segment_id bigint NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
                    PRIMARY KEY (customer_id, segment_id)
                ) PARTITION BY HASH (customer_id);
                \(partitioned("segment_members"))
                CREATE INDEX segment_members_by_segment ON segment_members(segment_id, customer_id);
                CREATE TABLE model_state(
                    name text PRIMARY KEY,
                    value bytea NOT NULL,
                    updated_at bigint NOT NULL
                );
                CREATE TABLE audit_log(
                    id bigserial PRIMARY KEY,
                    time bigint NOT NULL,
                    analyst text NOT NULL,
                    action text NOT NULL,
                    customer_id bigint,
                    customer_ref text,
                    details text NOT NULL DEFAULT '{}'
                );
                CREATE INDEX audit_by_customer ON audit_log(customer_id, time);
                CREATE TABLE store_activity(
                    backend_pid integer PRIMARY KEY,
                    activity text NOT NULL
                );
                """),
        PGMigration(
            name: "v2-browsing",
            sql: """
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                CREATE INDEX customers_by_name ON customers((lower(name) COLLATE "C") NULLS FIRST, id);
                CREATE INDEX customers_by_external_id ON customers(external_id COLLATE "C");
                CREATE INDEX customers_search ON customers USING gin ((\(searchText())) gin_trgm_ops);
                \(metricsIndexes.map { $0 + ";" }.joined(separator: "\n"))
                """),
        PGMigration(
            name: "v3-neighbor-lists",
            sql: """
                CREATE TABLE item_neighbor_lists(
                    product_id bigint PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
                    neighbors bytea NOT NULL
                );
                """),
        // An erasure is one transaction on PostgreSQL; what is left on disk is the server's
        // (VACUUM, WAL, backups: docs/postgres.md), so there is nothing to resume.
        PGMigration(name: "v4-pending-erasures", sql: "SELECT 1;"),
        PGMigration(
            name: "v5-affinities",
            sql: """
                CREATE TABLE customer_affinities(
                    customer_id bigint NOT NULL PRIMARY KEY,
                    vector bytea NOT NULL
                ) PARTITION BY HASH (customer_id);
                \(partitioned("customer_affinities"))
                """),
        PGMigration(
            name: "v6-customer-activity",
            sql: """
                CREATE TABLE customer_activity(
                    customer_id bigint NOT NULL PRIMARY KEY,
                    rfm_segment integer,
                    clv_12m double precision,
                    p_alive double precision,
                    days bytea NOT NULL
                ) PARTITION BY HASH (customer_id);
                \(partitioned("customer_activity"))
                """),
        PGMigration(name: "v7-audit-guard", sql: auditGuard),
        // Event ids were per customer here from the start (SQLite's v8 made them so there).
        PGMigration(name: "v8-event-identity-per-customer", sql: "SELECT 1;"),
        PGMigration(
            name: "v9-audit-by-action",
            sql: "CREATE INDEX audit_by_action ON audit_log(action) WHERE action = 'customer.forget';"),
        PGMigration(
            name: "v12-model-fits",
            sql: """
                CREATE TABLE model_fits(
                    id bigserial PRIMARY KEY,
                    basis text NOT NULL,
                    moment bigint NOT NULL,
                    as_of bigint NOT NULL,
                    fitted_at bigint NOT NULL,
                    events bigint NOT NULL,
                    last_event_key bigint NOT NULL,
                    engine bytea NOT NULL,
                    items bytea NOT NULL
                );
                CREATE INDEX model_fits_by_fitted_at ON model_fits(basis, fitted_at);
                CREATE INDEX model_fits_by_moment ON model_fits(basis, moment);
                """),
        PGMigration(name: "v11-action-log", sql: ActionLogSchema.postgres),
        PGMigration(name: "v10-accounts", sql: AccountSchema.postgres),
        PGMigration(name: "v13-held-event-accounts", sql: "ALTER TABLE held_events ADD COLUMN account_id bigint;"),
        PGMigration(name: "v14-seam-customer-count", sql: CustomerCountSchema.sql),
        PGMigration(name: "v15-acct-buyers", sql: AccountBuyersSchema.postgres),
        PGMigration(name: ValidIndexesRepair.name, sql: ValidIndexesRepair.postgres),
        PGMigration(name: AccountChangesSchema.name, sql: AccountChangesSchema.postgres),
        PGMigration(name: AccountSinceSchema.name, sql: AccountSinceSchema.postgres)
    ]

    /// The audit log can only be added to, and its analyst is the session's role (issue 20).
    /// Members of the table's owner (migrations, `rapport copy`) write as they say; anyone else:
    /// an entry naming another analyst is recorded under the session's role with the name given
    /// beside it (`as_analyst` in its details); an update is refused unless it is an erasure's
    /// rewrite of an erased customer's entry (pseudonym, no details, nothing else changed); a
    /// delete or truncate is refused. Grants that let other roles update, delete or truncate the
    /// log are revoked (an erasure keeps the column grant it needs).
    static let auditGuard = """
        CREATE FUNCTION rapport_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $guard$
        DECLARE
            owner_role name;
        BEGIN
            SELECT pg_get_userbyid(relowner) INTO owner_role FROM pg_class WHERE oid = TG_RELID;
            IF pg_has_role(session_user, owner_role, 'MEMBER') THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END IF;
            IF TG_OP = 'INSERT' THEN
                IF NEW.analyst IS DISTINCT FROM session_user::text THEN
                    NEW.details := (COALESCE(NULLIF(NEW.details, ''), '{}')::jsonb
                        || jsonb_build_object('as_analyst', NEW.analyst))::text;
                    NEW.analyst := session_user::text;
                END IF;
                RETURN NEW;
            END IF;
            IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.time = OLD.time AND NEW.analyst = OLD.analyst
                AND NEW.action = OLD.action AND NEW.customer_id IS NOT DISTINCT FROM OLD.customer_id
                AND OLD.customer_id IS NOT NULL AND NEW.customer_ref = 'erased#' || OLD.customer_id
                AND NEW.details = '{}' AND NOT EXISTS (SELECT 1 FROM customers WHERE id = OLD.customer_id) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'the audit log can only be added to' USING ERRCODE = '42501';
        END
        $guard$;
        CREATE FUNCTION rapport_audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $guard$
        BEGIN
            IF NOT pg_has_role(session_user, (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID),
                'MEMBER') THEN
                RAISE EXCEPTION 'the audit log can only be added to' USING ERRCODE = '42501';
            END IF;
            RETURN NULL;
        END
        $guard$;
        CREATE TRIGGER audit_log_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION rapport_audit_guard();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION rapport_audit_no_truncate();
        \(revokeAuditRewrites)
        """

    /// Revokes UPDATE, DELETE and TRUNCATE on the audit log from every role but its owner;
    /// a role that had UPDATE keeps it on the two columns an erasure rewrites.
    static let revokeAuditRewrites = """
        DO $revoke$
        DECLARE
            r record;
        BEGIN
            FOR r IN
                SELECT DISTINCT grantee, privilege_type FROM information_schema.role_table_grants
                WHERE table_schema = current_schema() AND table_name = 'audit_log'
                  AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
                  AND grantee <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass)
            LOOP
                EXECUTE format('REVOKE %s ON audit_log FROM %s', r.privilege_type,
                    CASE WHEN r.grantee = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident(r.grantee) END);
                IF r.privilege_type = 'UPDATE' THEN
                    EXECUTE format('GRANT UPDATE (customer_ref, details) ON audit_log TO %s',
                        CASE WHEN r.grantee = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident(r.grantee) END);
                END IF;
            END LOOP;
        END
        $revoke$;
        """
}
