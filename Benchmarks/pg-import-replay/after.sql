-- The events merge of a PostgreSQL import into an empty events table after issue 23 item 6.
\i common-head.sql
SET LOCAL jit = off;
SET LOCAL maintenance_work_mem = '256MB';
\i stage.sql
ANALYZE stage_rows;
SELECT f1 FROM stage_rows WHERE f1 IS NOT NULL GROUP BY f2, f1 HAVING COUNT(*) > 1 LIMIT 1000;
SELECT line, f12 FROM stage_rows s WHERE f12 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.external_id = s.f12) ORDER BY line LIMIT 101;
SELECT COALESCE(MAX(id), 0) FROM events;
SELECT 1 FROM events LIMIT 1;
ALTER TABLE events DROP CONSTRAINT events_pkey;
DROP INDEX events_by_account; DROP INDEX events_by_customer_time; DROP INDEX events_by_external_id; DROP INDEX events_by_id; DROP INDEX events_identity_by_content; DROP INDEX events_identity_by_id;
SELECT 1 FROM stage_rows WHERE f11 IS NOT NULL LIMIT 1;
INSERT INTO events(customer_id, external_id, product_id, type, time, quantity, amount, channel, is_gift, gift_note, content_hash, content_occurrence, account_id)
SELECT k.customer_id, s.f1, p.id, s.f4::smallint, s.f5::bigint, s.f6::integer, s.f7::float8, s.f8, s.f9::boolean, s.f10, s.f11::bigint, COALESCE(o.n, 0), a.id
FROM stage_rows s JOIN customer_keys k ON k.external_id = s.f2 LEFT JOIN products p ON p.external_id = s.f3 LEFT JOIN accounts a ON a.external_id = s.f12
LEFT JOIN (SELECT line, row_number() OVER (PARTITION BY f2, f11 ORDER BY line) - 1 AS n FROM stage_rows WHERE f11 IS NOT NULL) o ON o.line = s.line
ORDER BY s.line;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (customer_id, id);
CREATE INDEX events_by_account ON public.events USING btree (account_id) WHERE (account_id IS NOT NULL);
CREATE INDEX events_by_customer_time ON public.events USING btree (customer_id, "time", id);
CREATE INDEX events_by_external_id ON public.events USING btree (external_id) WHERE (external_id IS NOT NULL);
CREATE INDEX events_by_id ON public.events USING btree (id);
CREATE UNIQUE INDEX events_identity_by_content ON public.events USING btree (customer_id, content_hash, content_occurrence) WHERE (content_hash IS NOT NULL);
CREATE UNIQUE INDEX events_identity_by_id ON public.events USING btree (customer_id, external_id) WHERE (external_id IS NOT NULL);
SELECT count(*) FROM (SELECT DISTINCT customer_id FROM events WHERE id > 0) d;
SELECT MAX(time) FROM events WHERE id > 0;
ANALYZE events;
ROLLBACK;
