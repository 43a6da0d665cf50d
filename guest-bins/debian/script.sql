-- Run by tests/debian_programs.rs: sqlite3 :memory: '.read script.sql'
CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, qty INTEGER);
INSERT INTO item(name, price, qty) VALUES
  ('apple', 0.5, 10), ('banana', 0.25, 24), ('cherry', 7.125, 2),
  ('date', 3.0, 0), ('elderberry', 12.75, 1), ('fig', 1.0/3.0, 9);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO item(name, price, qty) SELECT 'bulk' || i, i * 0.01, i % 7 FROM n;
CREATE INDEX item_qty ON item(qty);
SELECT name, printf('%.4f', price), qty, price * qty FROM item WHERE id <= 6 ORDER BY name;
SELECT count(*), sum(qty), printf('%.6f', avg(price)), min(price), max(price) FROM item;
SELECT qty, count(*), printf('%.2f', sum(price)) FROM item GROUP BY qty ORDER BY qty;
SELECT upper(name), length(name), substr(name, 2, 3), replace(name, 'e', 'E') FROM item WHERE id <= 6;
SELECT 7 / 2, 7 % 3, 7.0 / 2, -7 / 2, 1e308 * 10, 2147483647 + 1, 9223372036854775807;
SELECT hex(zeroblob(3)), quote(x'00ff'), typeof(1), typeof(1.5), typeof('a'), typeof(NULL);
SELECT group_concat(name, ',') FROM (SELECT name FROM item WHERE qty = 0 ORDER BY id LIMIT 5);
SELECT round(3.14159, 2), abs(-42), sqrt(2.0), exp(1), ln(10), pow(2, 0.5), sin(1), floor(-2.5);
UPDATE item SET qty = qty * 2 WHERE name LIKE 'b%';
DELETE FROM item WHERE id % 3 = 0;
SELECT count(*), sum(qty) FROM item;
SELECT a.name, b.name FROM item a JOIN item b ON a.qty = b.qty AND a.id < b.id WHERE a.id < 10 ORDER BY 1, 2 LIMIT 10;
