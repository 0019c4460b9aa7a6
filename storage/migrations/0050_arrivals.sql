-- Open-model arrivals (issue 12; engine/arrivals.hpp, storage/leases.hpp). A campaign with
-- "arrivals" phases plans each session's start at materialization (planned_offset_ms, from the
-- campaign's arrival epoch); the epoch is set once, by the first claim, so every worker follows the
-- one plan. A claim takes only sessions whose planned start has come. A session that cannot start
-- within max_lateness_s of its plan (the concurrent_sessions cap was full) ends as `dropped`: a
-- terminal status of its own, neither a failure of the site nor pending forever (cf. k6's
-- dropped_iterations).
-- ADD VALUE runs inside the migration's transaction (PostgreSQL >= 12); the new value is not used
-- before that transaction commits.
ALTER TYPE session_status ADD VALUE IF NOT EXISTS 'dropped';

ALTER TABLE campaigns ADD COLUMN arrivals_epoch TIMESTAMP WITH TIME ZONE;

-- planned_offset_ms NULL: the closed model (no plan). start_lateness_ms: started_at (or, for a
-- dropped arrival, the moment it was dropped) minus its planned start, set when it leaves pending.
ALTER TABLE sessions
    ADD COLUMN planned_offset_ms BIGINT,
    ADD COLUMN start_lateness_ms BIGINT,
    ADD CONSTRAINT sessions_planned_offset_nonnegative
        CHECK (planned_offset_ms IS NULL OR planned_offset_ms >= 0);

-- A claim reads a campaign's pending sessions in planned order.
CREATE INDEX idx_sessions_campaign_planned ON sessions (campaign_id, planned_offset_ms)
    WHERE status = 'pending';

-- Rollups: arrivals planned (by planned start), late and dropped per bucket of the whole campaign
-- (url_path ''); started arrivals are sessions_started.
ALTER TABLE traffic_rollups
    ADD COLUMN arrivals_planned INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN arrivals_late INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN arrivals_dropped INTEGER NOT NULL DEFAULT 0;

-- rollup_compute keeps its signature and callers (rollup_refresh, rollup_rebuild_campaign call
-- it by name at run time): the 0011 body is renamed and wrapped, and the arrivals of the same
-- buckets are added on top. A session counts as late when it started >= 1 s after its plan
-- (storage/arrivals.hpp, late_after_ms).
ALTER FUNCTION rollup_compute(TEXT, TIMESTAMPTZ, TIMESTAMPTZ, UUID) RENAME TO rollup_compute_traffic;

CREATE FUNCTION rollup_compute(p_granularity TEXT, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                               p_campaign UUID DEFAULT NULL) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    lo TIMESTAMPTZ;
    written BIGINT;
    added BIGINT;
BEGIN
    written := rollup_compute_traffic(p_granularity, p_from, p_to, p_campaign);
    SELECT GREATEST(date_trunc(p_granularity, p_from), date_trunc(p_granularity, now() - retention))
      INTO lo FROM rollup_settings WHERE granularity = p_granularity;
    IF lo >= p_to THEN
        RETURN written;
    END IF;
    INSERT INTO traffic_rollups AS r (granularity, bucket, campaign_id, url_path, arrivals_planned,
                                      arrivals_late, arrivals_dropped)
    SELECT p_granularity, date_trunc(p_granularity, c.arrivals_epoch + s.planned_offset_ms *
                                                    INTERVAL '1 millisecond'),
           s.campaign_id, '', count(*),
           count(*) FILTER (WHERE s.status <> 'dropped' AND s.start_lateness_ms >= 1000),
           count(*) FILTER (WHERE s.status = 'dropped')
      FROM sessions s JOIN campaigns c ON c.id = s.campaign_id
     WHERE s.planned_offset_ms IS NOT NULL AND c.arrivals_epoch IS NOT NULL
       AND (p_campaign IS NULL OR s.campaign_id = p_campaign)
       AND c.arrivals_epoch + s.planned_offset_ms * INTERVAL '1 millisecond' >= lo
       AND c.arrivals_epoch + s.planned_offset_ms * INTERVAL '1 millisecond' < p_to
     GROUP BY 2, 3
    ON CONFLICT (granularity, campaign_id, url_path, bucket) DO UPDATE
       SET arrivals_planned = EXCLUDED.arrivals_planned, arrivals_late = EXCLUDED.arrivals_late,
           arrivals_dropped = EXCLUDED.arrivals_dropped;
    GET DIAGNOSTICS added = ROW_COUNT;
    RETURN written + added;
END;
$$;
