/// The tables of the action log (migration `v11-action-log`), in each dialect: one row per
/// analyst's correction with what undoing and redoing it needs, and the events a clear-history
/// holds (out of `events`, so no reader counts them) until its retention window passes.
enum ActionLogSchema {
    static let sqlite = """
        CREATE TABLE action_log(
            id INTEGER PRIMARY KEY,
            time INTEGER NOT NULL,
            analyst TEXT NOT NULL,
            kind TEXT NOT NULL,
            customer_id INTEGER,
            customer_ref TEXT,
            state TEXT NOT NULL,
            held_until INTEGER,
            payload TEXT NOT NULL
        );
        CREATE INDEX action_log_by_analyst ON action_log(analyst, id);
        CREATE INDEX action_log_by_customer ON action_log(customer_id);
        CREATE INDEX action_log_held ON action_log(held_until) WHERE held_until IS NOT NULL;
        CREATE TABLE held_events(
            action_id INTEGER NOT NULL,
            customer_id INTEGER NOT NULL,
            id INTEGER NOT NULL,
            external_id TEXT,
            product_id INTEGER,
            type INTEGER NOT NULL,
            time INTEGER NOT NULL,
            quantity INTEGER NOT NULL,
            amount REAL NOT NULL,
            channel TEXT,
            is_gift INTEGER NOT NULL,
            gift_note TEXT,
            content_hash INTEGER,
            content_occurrence INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (customer_id, id)
        );
        CREATE INDEX held_events_by_action ON held_events(action_id);
        """

    static let postgres = """
        CREATE TABLE action_log(
            id bigserial PRIMARY KEY,
            time bigint NOT NULL,
            analyst text NOT NULL,
            kind text NOT NULL,
            customer_id bigint,
            customer_ref text,
            state text NOT NULL,
            held_until bigint,
            payload text NOT NULL
        );
        CREATE INDEX action_log_by_analyst ON action_log(analyst, id);
        CREATE INDEX action_log_by_customer ON action_log(customer_id);
        CREATE INDEX action_log_held ON action_log(held_until) WHERE held_until IS NOT NULL;
        CREATE TABLE held_events(
            action_id bigint NOT NULL,
            customer_id bigint NOT NULL,
            id bigint NOT NULL,
            external_id text,
            product_id bigint,
            type smallint NOT NULL,
            time bigint NOT NULL,
            quantity integer NOT NULL,
            amount double precision NOT NULL,
            channel text,
            is_gift boolean NOT NULL,
            gift_note text,
            content_hash bigint,
            content_occurrence integer NOT NULL DEFAULT 0,
            PRIMARY KEY (customer_id, id)
        );
        CREATE INDEX held_events_by_action ON held_events(action_id);
        """
}
