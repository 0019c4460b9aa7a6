-- rollup_compute (0012) joined action counts on `url_path IS NOT DISTINCT FROM` (the grouping
-- set's NULL path), which PostgreSQL cannot hash: a nested loop of buckets x 13 types x counts,
-- 1.2 s for the minute buckets of a 1M-action campaign. The NULL path now becomes '' before the
-- join, so it is a hash join on plain equality.
CREATE OR REPLACE FUNCTION rollup_compute(p_granularity TEXT, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                                          p_campaign UUID DEFAULT NULL) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    lo TIMESTAMPTZ;
    keep_from TIMESTAMPTZ;
    written BIGINT;
BEGIN
    SELECT now() - retention INTO keep_from FROM rollup_settings WHERE granularity = p_granularity;
    IF keep_from IS NULL THEN
        RAISE EXCEPTION 'rollup_compute: unknown granularity "%" (minute, hour or day)', p_granularity;
    END IF;
    lo := GREATEST(date_trunc(p_granularity, p_from), date_trunc(p_granularity, keep_from));
    IF lo >= p_to THEN
        RETURN 0;
    END IF;

    DELETE FROM traffic_rollups
     WHERE granularity = p_granularity AND bucket >= lo AND bucket < p_to
       AND (p_campaign IS NULL OR campaign_id = p_campaign);

    INSERT INTO traffic_rollups
        (granularity, bucket, campaign_id, url_path, sessions_started, sessions_completed,
         sessions_failed, sessions_timeout, page_visits, actions, actions_by_type, load_samples,
         load_avg_ms, load_p50_ms, load_p95_ms, load_max_ms, ttfb_p50_ms, console_errors,
         failed_requests)
    WITH
    visit_groups AS (
        SELECT campaign_id, url_path, date_trunc(p_granularity, arrived_at) AS bucket,
               count(*) AS page_visits, count(load_ms) AS load_samples, avg(load_ms) AS load_avg_ms,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY load_ms) AS load_p50_ms,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY load_ms) AS load_p95_ms,
               max(load_ms) AS load_max_ms,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY ttfb_ms) AS ttfb_p50_ms,
               sum(console_errors) AS console_errors, sum(failed_requests) AS failed_requests
          FROM rollup_stage_visits
         WHERE arrived_at >= lo AND arrived_at < p_to
         GROUP BY GROUPING SETS ((campaign_id, url_path, 3), (campaign_id, 3))),
    act_counts AS (
        SELECT campaign_id, COALESCE(url_path, '') AS url_path, bucket, type_index, n
          FROM (SELECT campaign_id, url_path, date_trunc(p_granularity, minute) AS bucket,
                       type_index, sum(n) AS n
                  FROM rollup_stage_actions
                 WHERE minute >= lo AND minute < p_to
                 GROUP BY GROUPING SETS ((campaign_id, url_path, 3, type_index),
                                         (campaign_id, 3, type_index))) x),
    act_groups AS (
        SELECT g.campaign_id, g.url_path, g.bucket, sum(COALESCE(c.n, 0)) AS actions,
               array_agg(COALESCE(c.n, 0)::BIGINT ORDER BY i) AS by_type
          FROM (SELECT DISTINCT campaign_id, url_path, bucket FROM act_counts) g
          CROSS JOIN generate_series(1, 13) AS i
          LEFT JOIN act_counts c ON c.campaign_id = g.campaign_id AND c.bucket = g.bucket
                                AND c.url_path = g.url_path AND c.type_index = i
         GROUP BY g.campaign_id, g.url_path, g.bucket),
    sess AS (
        SELECT campaign_id, bucket, sum(started) AS started, sum(completed) AS completed,
               sum(failed) AS failed, sum(timeout) AS timeout
          FROM (SELECT s.campaign_id, date_trunc(p_granularity, s.started_at) AS bucket,
                       1 AS started, 0 AS completed, 0 AS failed, 0 AS timeout
                  FROM sessions s
                 WHERE s.started_at >= lo AND s.started_at < p_to
                   AND (p_campaign IS NULL OR s.campaign_id = p_campaign)
                UNION ALL
                SELECT s.campaign_id, date_trunc(p_granularity, s.completed_at), 0,
                       (s.status = 'completed')::int, (s.status = 'failed')::int,
                       (s.status = 'timeout')::int
                  FROM sessions s
                 WHERE s.completed_at >= lo AND s.completed_at < p_to
                   AND (p_campaign IS NULL OR s.campaign_id = p_campaign)) x
         GROUP BY campaign_id, bucket),
    keys AS (
        SELECT campaign_id, COALESCE(url_path, '') AS url_path, bucket FROM visit_groups
        UNION SELECT campaign_id, url_path, bucket FROM act_groups
        UNION SELECT campaign_id, '', bucket FROM sess)
    SELECT p_granularity, k.bucket, k.campaign_id, k.url_path,
           COALESCE(se.started, 0), COALESCE(se.completed, 0), COALESCE(se.failed, 0),
           COALESCE(se.timeout, 0), COALESCE(v.page_visits, 0), COALESCE(ag.actions, 0),
           COALESCE(ag.by_type, '{0,0,0,0,0,0,0,0,0,0,0,0,0}'), COALESCE(v.load_samples, 0),
           v.load_avg_ms, v.load_p50_ms, v.load_p95_ms, v.load_max_ms, v.ttfb_p50_ms,
           COALESCE(v.console_errors, 0), COALESCE(v.failed_requests, 0)
      FROM keys k
      LEFT JOIN visit_groups v ON v.campaign_id = k.campaign_id AND v.bucket = k.bucket
                              AND COALESCE(v.url_path, '') = k.url_path
      LEFT JOIN act_groups ag ON ag.campaign_id = k.campaign_id AND ag.bucket = k.bucket
                             AND ag.url_path = k.url_path
      LEFT JOIN sess se ON k.url_path = '' AND se.campaign_id = k.campaign_id
                       AND se.bucket = k.bucket
     WHERE k.bucket >= lo;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END;
$$;

