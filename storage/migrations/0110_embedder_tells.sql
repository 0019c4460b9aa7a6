-- Issue 25: the headless shell is a different embedder than the Chrome its user agent names, and
-- a page can tell (bench_fingerprint measures it): no window.chrome object, no PDF viewer plugins.
-- embedder_tells is the share of those tells the session's pages showed under a Chrome user agent
-- (engine/page_script.cpp reads them; 0 = none, 1 = all; NULL = not measured). It feeds
-- environment_risk_score (analytics/detection.hpp, signal headless_embedder) and is kept here so
-- a recompute sees what the page saw, as navigator_webdriver is.
ALTER TABLE session_analytics
    ADD COLUMN embedder_tells DECIMAL(3,2),
    ADD CONSTRAINT session_analytics_embedder_tells_range CHECK (
        embedder_tells IS NULL OR embedder_tells BETWEEN 0 AND 1);
