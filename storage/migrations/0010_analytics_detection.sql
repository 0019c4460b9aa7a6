-- footfall's additions to the spec's session_analytics (analytics/detection.hpp, timing.hpp):
-- the per-session detection risk and the signals it came from, navigator.webdriver as measured
-- by the engine (recompute keeps it: it cannot be re-derived from actions), the mean interval
-- between actions (campaign behavioral_variance is the variance of it across sessions).
ALTER TABLE session_analytics
    ADD COLUMN detection_risk_score DECIMAL(3,2),
    ADD COLUMN risk_signals JSONB,
    ADD COLUMN navigator_webdriver BOOLEAN,
    ADD COLUMN mean_interval_ms DOUBLE PRECISION,
    ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    ADD CONSTRAINT session_analytics_scores_range CHECK (
        (rhythm_score IS NULL OR rhythm_score BETWEEN 0 AND 1) AND
        (detection_risk_score IS NULL OR detection_risk_score BETWEEN 0 AND 1));
