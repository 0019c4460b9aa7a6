-- Configuration entities. ids come from the client (UUIDv7) when it has them; the DEFAULT stays
-- for hand-written SQL.
CREATE TABLE personas (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(100) NOT NULL,
    description TEXT,
    session_duration_min INTEGER NOT NULL,
    session_duration_max INTEGER NOT NULL,
    pages_min INTEGER NOT NULL,
    pages_max INTEGER NOT NULL,
    actions_per_page_min INTEGER NOT NULL DEFAULT 1,
    actions_per_page_max INTEGER NOT NULL DEFAULT 10,
    scroll_probability DECIMAL(3,2) NOT NULL DEFAULT 0.8,
    click_probability DECIMAL(3,2) NOT NULL DEFAULT 0.6,
    typing_probability DECIMAL(3,2) NOT NULL DEFAULT 0.1,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    -- Named constraints so a violation message says which rule broke.
    CONSTRAINT personas_name_key UNIQUE (name),
    CONSTRAINT personas_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT personas_session_duration_min_positive CHECK (session_duration_min > 0),
    CONSTRAINT personas_session_duration_range CHECK (session_duration_max >= session_duration_min),
    CONSTRAINT personas_pages_min_positive CHECK (pages_min > 0),
    CONSTRAINT personas_pages_range CHECK (pages_max >= pages_min),
    -- The spec asks for logical min/max on every range; its sketch only checked two of them.
    CONSTRAINT personas_actions_per_page_min_nonnegative CHECK (actions_per_page_min >= 0),
    CONSTRAINT personas_actions_per_page_range CHECK (actions_per_page_max >= actions_per_page_min),
    CONSTRAINT personas_scroll_probability_range CHECK (scroll_probability BETWEEN 0 AND 1),
    CONSTRAINT personas_click_probability_range CHECK (click_probability BETWEEN 0 AND 1),
    CONSTRAINT personas_typing_probability_range CHECK (typing_probability BETWEEN 0 AND 1)
);

CREATE TABLE campaigns (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(200) NOT NULL,
    description TEXT,
    target_url VARCHAR(500) NOT NULL,
    total_sessions INTEGER NOT NULL,
    concurrent_sessions INTEGER NOT NULL DEFAULT 10,
    status campaign_status NOT NULL DEFAULT 'pending',
    persona_id UUID NOT NULL REFERENCES personas(id),
    rate_limit_delay_ms INTEGER NOT NULL DEFAULT 1000,
    user_agent_rotation BOOLEAN NOT NULL DEFAULT true,
    respect_robots_txt BOOLEAN NOT NULL DEFAULT true,
    -- Beyond the spec (storage/records.hpp): the campaign's RNG seed (a uint64 stored bit-for-bit
    -- in a BIGINT) and options without a column of their own.
    seed BIGINT NOT NULL DEFAULT 0,
    settings JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    started_at TIMESTAMP WITH TIME ZONE,
    completed_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT campaigns_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT campaigns_total_sessions_positive CHECK (total_sessions > 0),
    CONSTRAINT campaigns_concurrent_sessions_positive CHECK (concurrent_sessions > 0),
    CONSTRAINT valid_session_count CHECK (concurrent_sessions <= total_sessions),
    CONSTRAINT campaigns_rate_limit_delay_ms_min CHECK (rate_limit_delay_ms >= 100),
    CONSTRAINT campaigns_settings_object CHECK (jsonb_typeof(settings) = 'object')
);
CREATE INDEX idx_campaigns_status_created ON campaigns (status, created_at DESC);
CREATE INDEX idx_campaigns_persona ON campaigns (persona_id);
