-- The events merge of a PostgreSQL import as main ran it before issue 23 item 6 (ON CONFLICT over
-- the unique keys, occurrences numbered over every row, the dropped indexes rebuilt "ON ONLY").
\i common-head.sql
\i stage.sql
SELECT f1 FROM stage_rows WHERE f1 IS NOT NULL GROUP BY f2, f1 HAVING COUNT(*) > 1 LIMIT 1000;
SELECT line, f12 FROM stage_rows s WHERE f12 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.external_id = s.f12) ORDER BY line LIMIT 101;
SELECT COALESCE(MAX(id), 0) FROM events;
DROP INDEX events_by_account; DROP INDEX events_by_customer_time; DROP INDEX events_by_external_id; DROP INDEX events_by_id;
SELECT 1 FROM stage_rows WHERE f11 IS NOT NULL LIMIT 1;
INSERT INTO events(customer_id, external_id, product_id, type, time, quantity, amount, channel, is_gift, gift_note, content_hash, content_occurrence, account_id)
SELECT k.customer_id, s.f1, p.id, s.f4::smallint, s.f5::bigint, s.f6::integer, s.f7::float8, s.f8, s.f9::boolean, s.f10, s.f11::bigint,
  CASE WHEN s.f11 IS NULL THEN 0 ELSE row_number() OVER (PARTITION BY s.f2, s.f11 ORDER BY s.line) - 1 END, a.id
FROM stage_rows s JOIN customer_keys k ON k.external_id = s.f2 LEFT JOIN products p ON p.external_id = s.f3 LEFT JOIN accounts a ON a.external_id = s.f12
ORDER BY s.line ON CONFLICT DO NOTHING;
CREATE INDEX events_by_account ON ONLY public.events USING btree (account_id) WHERE (account_id IS NOT NULL);
CREATE INDEX events_by_customer_time ON ONLY public.events USING btree (customer_id, "time", id);
CREATE INDEX events_by_external_id ON ONLY public.events USING btree (external_id) WHERE (external_id IS NOT NULL);
CREATE INDEX events_by_id ON ONLY public.events USING btree (id);
SELECT count(*) FROM (SELECT DISTINCT customer_id FROM events WHERE id > 0) d;
SELECT MAX(time) FROM events WHERE id > 0;
ANALYZE customers; ANALYZE customer_keys; ANALYZE products; ANALYZE events; ANALYZE stated_preferences; ANALYZE notes;
ROLLBACK;
