-- sqlite3 workload of bench/run.sh (run as `sqlite3 :memory: < bench.sql`):
-- a generated table of 80,000 rows, an index, aggregates, a join, a
-- window function and string work; results as text.
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, grp TEXT, v INTEGER);
WITH RECURSIVE n(i, s) AS (
  SELECT 1, 12345
  UNION ALL
  SELECT i + 1, (s * 1103515245 + 12345) % 2147483648 FROM n WHERE i < 80000
)
INSERT INTO t(id, k, grp, v) SELECT i, s % 50000, 'g' || (s % 97), s % 1000 FROM n;
CREATE INDEX t_k ON t(k);
SELECT count(*), sum(v), min(k), max(k) FROM t;
SELECT grp, count(*), sum(v), avg(v) FROM t GROUP BY grp ORDER BY sum(v) DESC LIMIT 5;
SELECT count(*) FROM t WHERE k BETWEEN 1000 AND 2000;
CREATE TABLE u AS SELECT k, count(*) AS c FROM t GROUP BY k;
SELECT sum(t.v * u.c) % 1000000007 FROM t JOIN u ON t.k = u.k WHERE t.id % 7 = 0;
SELECT id, v, sum(v) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM t
  WHERE id % 8000 = 0 ORDER BY id;
SELECT length(group_concat(upper(grp) || printf('%05d', k), ',')) FROM (SELECT grp, k FROM t WHERE id % 50 = 0);
SELECT k, count(*) FROM t GROUP BY k HAVING count(*) > 10 ORDER BY count(*) DESC, k LIMIT 5;
