-- Issue 11: per-input timing of each action, and detection_risk_score split into its behaviour
-- and environment parts (analytics/detection.hpp; analytics/README.md documents the formulas).
-- input_timing holds what the behaviour score reads and the action columns cannot: a type
-- action's key holds and press-to-press gaps, a click's press→release hold, where in the element
-- it landed and the pointer path's length ratio, a scroll's wheel deltas and device.
ALTER TABLE actions ADD COLUMN input_timing JSONB;
-- detection_risk_score stays: it is 1 − (1 − behaviour)(1 − environment).
ALTER TABLE session_analytics
    ADD COLUMN behaviour_risk_score DECIMAL(3,2),
    ADD COLUMN environment_risk_score DECIMAL(3,2),
    ADD CONSTRAINT session_analytics_split_risk_range CHECK (
        (behaviour_risk_score IS NULL OR behaviour_risk_score BETWEEN 0 AND 1) AND
        (environment_risk_score IS NULL OR environment_risk_score BETWEEN 0 AND 1));
ALTER TABLE campaign_analytics
    ADD COLUMN behaviour_risk_score DECIMAL(3,2),
    ADD COLUMN environment_risk_score DECIMAL(3,2);
