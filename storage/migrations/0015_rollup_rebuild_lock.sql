-- rollup_rebuild_campaign (0012) did not take the lock rollup_refresh takes; two pods finishing
-- campaigns while a cron refresh runs could insert the same bucket twice (unique violation).
CREATE OR REPLACE FUNCTION rollup_rebuild_campaign(p_campaign UUID) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    lo TIMESTAMPTZ;
    hi TIMESTAMPTZ;
    n BIGINT := 0;
BEGIN
    -- Rollup writers serialize on the state row, as rollup_refresh does: a refresh and a
    -- rebuild recomputing the same buckets concurrently would otherwise both insert them.
    PERFORM 1 FROM rollup_state WHERE id = 1 FOR UPDATE;
    SELECT least(min(s.started_at), min(s.completed_at), min(pv.arrived_at)),
           greatest(max(s.started_at), max(s.completed_at), max(pv.left_at), max(pv.arrived_at))
      INTO lo, hi
      FROM sessions s LEFT JOIN page_visits pv ON pv.session_id = s.id
     WHERE s.campaign_id = p_campaign;
    DELETE FROM traffic_rollups WHERE campaign_id = p_campaign;
    IF lo IS NULL THEN
        RETURN 0;
    END IF;
    hi := hi + INTERVAL '1 minute';  -- an unload can end after the last page was left
    PERFORM rollup_stage(lo, hi, p_campaign);
    n := n + rollup_compute('minute', lo, hi, p_campaign);
    n := n + rollup_compute('hour', lo, hi, p_campaign);
    n := n + rollup_compute('day', lo, hi, p_campaign);
    DROP TABLE rollup_stage_visits, rollup_stage_actions;
    RETURN n;
END;
$$;
