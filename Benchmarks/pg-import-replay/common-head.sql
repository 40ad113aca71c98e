BEGIN;
TRUNCATE events;
SET LOCAL work_mem = '256MB';
