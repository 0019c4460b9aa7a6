-- Issue 9: a persona's rule for popups and new tabs a click opens (engine/popups.hpp):
-- 'record' (a visit of the session, then closed: the behaviour before this column), 'follow'
-- (the journey goes on in the new tab) or 'close' (closed at once, no visit).
ALTER TABLE personas
    ADD COLUMN popups TEXT NOT NULL DEFAULT 'record',
    ADD CONSTRAINT personas_popups_known CHECK (popups IN ('record', 'follow', 'close'));
