-- The spec's aggregate tables. Their rows are kept forever (retention only removes detail rows);
-- migrations 0010-0029 (analytics) extend them.
CREATE TABLE session_analytics (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id UUID NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    persona_id UUID NOT NULL REFERENCES personas(id),
    total_duration_ms INTEGER NOT NULL,
    avg_page_dwell_time_ms DECIMAL(10,2),
    median_page_dwell_time_ms INTEGER,
    pages_visited INTEGER NOT NULL,
    navigation_depth INTEGER NOT NULL,
    bounce_rate DECIMAL(3,2),
    total_actions INTEGER NOT NULL,
    actions_per_page DECIMAL(4,2),
    click_through_rate DECIMAL(3,2),
    scroll_engagement DECIMAL(3,2),
    action_variance DECIMAL(6,3),
    rhythm_score DECIMAL(3,2),
    pause_distribution JSONB,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT session_analytics_session_id_key UNIQUE (session_id)
);
CREATE INDEX idx_session_analytics_campaign ON session_analytics (campaign_id);
CREATE INDEX idx_session_analytics_persona ON session_analytics (persona_id);
CREATE INDEX idx_session_analytics_created_at ON session_analytics (created_at);
CREATE INDEX idx_session_analytics_metrics ON session_analytics (campaign_id, total_duration_ms, pages_visited);

CREATE TABLE campaign_analytics (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    total_sessions INTEGER NOT NULL,
    completed_sessions INTEGER NOT NULL,
    failed_sessions INTEGER NOT NULL,
    success_rate DECIMAL(3,2) NOT NULL,
    avg_session_duration_ms DECIMAL(12,2),
    avg_pages_per_session DECIMAL(4,2),
    avg_actions_per_session DECIMAL(6,2),
    avg_rhythm_score DECIMAL(3,2),
    behavioral_variance DECIMAL(6,3),
    detection_risk_score DECIMAL(3,2),
    total_runtime_ms BIGINT,
    avg_cpu_usage DECIMAL(3,2),
    peak_memory_mb INTEGER,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT campaign_analytics_campaign_id_key UNIQUE (campaign_id)
);
CREATE INDEX idx_campaign_analytics_updated ON campaign_analytics (updated_at DESC);
