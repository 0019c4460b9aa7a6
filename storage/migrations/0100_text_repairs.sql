-- Issue 23: page text is stored as U+FFFD where it held a NUL or ill-formed UTF-8 (the writer,
-- storage/storable_text.hpp); text_repairs counts the replacements per row, summed per campaign.
-- rows_rejected counts a session's rows the database still refused (kept in the writer's
-- rejected-*.jsonl): a session with rows_rejected > 0 has counts its stored rows do not reach.
ALTER TABLE sessions
    ADD COLUMN text_repairs INTEGER NOT NULL DEFAULT 0 CHECK (text_repairs >= 0),
    ADD COLUMN rows_rejected INTEGER NOT NULL DEFAULT 0 CHECK (rows_rejected >= 0);
ALTER TABLE page_visits
    ADD COLUMN text_repairs INTEGER NOT NULL DEFAULT 0 CHECK (text_repairs >= 0);
