CREATE TEMP TABLE stage_rows(line integer, k text, f1 text, f2 text, f3 text, f4 text, f5 text, f6 text, f7 text, f8 text, f9 text, f10 text, f11 text, f12 text, f13 text, f14 text, f15 text, f16 text) ON COMMIT DROP;
-- Read by the server (a superuser's session, as a pg-test-cluster.sh server gives).
COPY stage_rows FROM :'stage';
