-- Demo data for the quickstart: Jiaozuo's administrative divisions (GB/T 2260).
-- Re-runnable: running it again updates names and changes nothing else.
-- 焦作城乡一体化示范区 has no GB/T 2260 code; 410871 is its statistical code (believed right,
-- marked official = FALSE so it can be corrected without touching the real divisions).
INSERT INTO district (code, name, parent_code, official) VALUES
  ('410800', '焦作市', NULL, TRUE),
  ('410802', '解放区', '410800', TRUE),
  ('410803', '中站区', '410800', TRUE),
  ('410804', '马村区', '410800', TRUE),
  ('410811', '山阳区', '410800', TRUE),
  ('410821', '修武县', '410800', TRUE),
  ('410822', '博爱县', '410800', TRUE),
  ('410823', '武陟县', '410800', TRUE),
  ('410825', '温县', '410800', TRUE),
  ('410882', '沁阳市', '410800', TRUE),
  ('410883', '孟州市', '410800', TRUE),
  ('410871', '焦作城乡一体化示范区', '410800', FALSE)
-- VALUES() rather than a row alias: MariaDB 10.11 has no `AS new` (MySQL 8 accepts both).
ON DUPLICATE KEY UPDATE name = VALUES(name), parent_code = VALUES(parent_code),
  official = VALUES(official);
