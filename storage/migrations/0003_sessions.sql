CREATE TABLE sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    persona_id UUID NOT NULL REFERENCES personas(id),
    -- Beyond the spec: 0-based index within the campaign (seeds the session's RNG). UNIQUE per
    -- campaign so materializing a campaign's pending sessions twice is a no-op.
    session_index INTEGER NOT NULL,
    status session_status NOT NULL DEFAULT 'pending',
    start_url VARCHAR(500) NOT NULL,
    user_agent TEXT NOT NULL,
    viewport_width INTEGER NOT NULL DEFAULT 1920,
    viewport_height INTEGER NOT NULL DEFAULT 1080,
    session_duration_ms INTEGER,
    pages_visited INTEGER NOT NULL DEFAULT 0,
    total_actions INTEGER NOT NULL DEFAULT 0,
    error_message TEXT,
    screenshot_path TEXT,
    -- Which worker claimed the session (host/pid), for `worker` runs and debugging.
    claimed_by TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    started_at TIMESTAMP WITH TIME ZONE,
    completed_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT sessions_campaign_index_key UNIQUE (campaign_id, session_index),
    CONSTRAINT sessions_session_index_nonnegative CHECK (session_index >= 0),
    CONSTRAINT sessions_viewport_positive CHECK (viewport_width > 0 AND viewport_height > 0),
    CONSTRAINT sessions_counts_nonnegative CHECK (pages_visited >= 0 AND total_actions >= 0),
    CONSTRAINT sessions_duration_nonnegative CHECK (session_duration_ms IS NULL OR session_duration_ms >= 0)
);
CREATE INDEX idx_sessions_campaign_status ON sessions (campaign_id, status);
CREATE INDEX idx_sessions_created_at ON sessions (created_at);
CREATE INDEX idx_sessions_campaign_status_time ON sessions (campaign_id, status, created_at);
CREATE INDEX idx_sessions_persona ON sessions (persona_id);
