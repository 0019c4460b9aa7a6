-- Issue 13: a session's trace, read by `footfall report CAMPAIGN --format html --session ID`.
-- A small filmstrip (downscaled JPEG frames, base64 in JSON) and the page's console errors and
-- failed requests with their times. Stored for failed and timed-out sessions always, and for every
-- session of a `--trace` run. Bounded per session by the engine (engine/trace.hpp: frames and
-- bytes); one row per session attempt, the row of a lost attempt is fenced off like its pages.
-- Deleted with the session's detail rows by retention (storage/retention.cpp).
CREATE TABLE session_traces (
    session_id UUID NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL DEFAULT 0,
    mode TEXT NOT NULL CHECK (mode IN ('full', 'failure')),
    captured_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- [{"at_ms": epoch ms, "visit_order", "action_order", "width", "height", "jpeg": base64}]
    frames JSONB NOT NULL,
    -- [{"at_ms": epoch ms, "kind": console|exception|log|network, "text", "url"}]
    errors JSONB NOT NULL,
    frames_dropped INTEGER NOT NULL DEFAULT 0,
    errors_dropped INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL CHECK (bytes >= 0),
    PRIMARY KEY (session_id, attempt)
);
