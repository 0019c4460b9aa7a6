-- Issue 21, page health: Core Web Vitals per page visit, every request of every visit, and the
-- requests rolled up per endpoint (host + path) beside the traffic rollups.

-- Vitals as Chrome's web-vitals library defines them (cdp/vitals.hpp), final when the visit ends;
-- NULL when not measured (page health off, a visit recorded before this migration, or a page that
-- never produced the entry: no interaction -> no INP). request_count: how many requests rows the
-- visit has; NULL when requests were not recorded (the HAR export tells these visits apart from
-- visits that made no request).
ALTER TABLE page_visits
    ADD COLUMN lcp_ms DOUBLE PRECISION,
    ADD COLUMN cls DOUBLE PRECISION,
    ADD COLUMN inp_ms DOUBLE PRECISION,
    ADD COLUMN fcp_ms DOUBLE PRECISION,
    ADD COLUMN request_count INTEGER,
    ADD CONSTRAINT page_visits_vitals_nonnegative CHECK (
        (lcp_ms IS NULL OR lcp_ms >= 0) AND (cls IS NULL OR cls >= 0) AND
        (inp_ms IS NULL OR inp_ms >= 0) AND (fcp_ms IS NULL OR fcp_ms >= 0) AND
        (request_count IS NULL OR request_count >= 0));

-- One row per network request a page made (cdp/request_log.hpp), partitioned by started_at like
-- actions by "timestamp" (storage/partitions.cpp), referencing its page visit the same way:
-- (page_visit_id, page_arrived_at) = page_visits (id, arrived_at), enforced by the writer (a
-- page_record carries its requests), not by a FOREIGN KEY (see 0004 for why).
--  * status: the HTTP status the server sent; NULL when no response arrived (failed).
--  * failed: Network.loadingFailed that was not a cancellation (refused connection, DNS, blocked
--    by the client ...); error_text says which. A 404 or 500 is NOT failed: it has its status.
--  * redirect_url: where a 3xx hop sent the browser (its next hop is the next request row).
--  * canceled: the page or footfall gave the request up (navigation away, visit ended first).
--  * timings: HAR's phases in ms (blocked, dns, connect, ssl, send, wait, receive); NULL where the
--    phase does not apply (a reused connection has no dns/connect; a cached or failed request
--    has none).
CREATE TABLE requests (
    id UUID NOT NULL,
    page_visit_id UUID NOT NULL,
    page_arrived_at TIMESTAMP WITH TIME ZONE NOT NULL,
    request_order INTEGER NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    status INTEGER,
    failed BOOLEAN NOT NULL DEFAULT false,
    canceled BOOLEAN NOT NULL DEFAULT false,
    error_text TEXT,
    from_cache BOOLEAN NOT NULL DEFAULT false,
    encoded_bytes BIGINT,
    mime_type TEXT,
    protocol TEXT,
    redirect_url TEXT,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_ms DOUBLE PRECISION NOT NULL,
    blocked_ms DOUBLE PRECISION,
    dns_ms DOUBLE PRECISION,
    connect_ms DOUBLE PRECISION,
    ssl_ms DOUBLE PRECISION,
    send_ms DOUBLE PRECISION,
    wait_ms DOUBLE PRECISION,
    receive_ms DOUBLE PRECISION,
    CONSTRAINT requests_pkey PRIMARY KEY (id, started_at),
    CONSTRAINT requests_request_order_positive CHECK (request_order > 0),
    CONSTRAINT requests_status_range CHECK (status IS NULL OR status BETWEEN 100 AND 999),
    CONSTRAINT requests_duration_nonnegative CHECK (duration_ms >= 0),
    CONSTRAINT requests_bytes_nonnegative CHECK (encoded_bytes IS NULL OR encoded_bytes >= 0)
) PARTITION BY RANGE (started_at);

CREATE TABLE requests_default PARTITION OF requests DEFAULT;

-- The HAR export and the session page read a visit's requests in order.
CREATE INDEX idx_requests_visit ON requests (page_visit_id, request_order);
-- Rows arrive roughly in time order: a BRIN index narrows time ranges at almost no insert cost.
CREATE INDEX idx_requests_started_at ON requests USING brin (started_at);

-- Per endpoint (host + path of the URL, no query) per bucket, with the traffic rollups'
-- granularities, retention and refresh (0011). errors = failed requests + responses >= 400.
CREATE TABLE endpoint_rollups (
    granularity TEXT NOT NULL REFERENCES rollup_settings (granularity),
    bucket TIMESTAMP WITH TIME ZONE NOT NULL,
    campaign_id UUID NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    requests INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    duration_p50_ms DOUBLE PRECISION,
    duration_p95_ms DOUBLE PRECISION,
    duration_max_ms DOUBLE PRECISION,
    encoded_bytes BIGINT NOT NULL,
    refreshed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    PRIMARY KEY (granularity, campaign_id, host, path, bucket)
);
CREATE INDEX idx_endpoint_rollups_bucket ON endpoint_rollups (granularity, bucket);

-- The authority of a URL without userinfo ('' for data:, about: ...).
CREATE FUNCTION rollup_url_host(url TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(substring(url FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#]*)'), '')
$$;

-- rollup_compute keeps its signature and callers again (as in 0050): the current body is renamed
-- and wrapped, and the endpoints of the same buckets are recomputed from the requests rows
-- (bucketed by started_at; the campaign comes through the page visit's session).
ALTER FUNCTION rollup_compute(TEXT, TIMESTAMPTZ, TIMESTAMPTZ, UUID) RENAME TO rollup_compute_visits;

CREATE FUNCTION rollup_compute(p_granularity TEXT, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                               p_campaign UUID DEFAULT NULL) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    lo TIMESTAMPTZ;
    written BIGINT;
    added BIGINT;
BEGIN
    written := rollup_compute_visits(p_granularity, p_from, p_to, p_campaign);
    SELECT GREATEST(date_trunc(p_granularity, p_from), date_trunc(p_granularity, now() - retention))
      INTO lo FROM rollup_settings WHERE granularity = p_granularity;
    IF lo >= p_to THEN
        RETURN written;
    END IF;
    DELETE FROM endpoint_rollups
     WHERE granularity = p_granularity AND bucket >= lo AND bucket < p_to
       AND (p_campaign IS NULL OR campaign_id = p_campaign);
    INSERT INTO endpoint_rollups (granularity, bucket, campaign_id, host, path, requests, errors,
                                  failed, duration_p50_ms, duration_p95_ms, duration_max_ms,
                                  encoded_bytes)
    SELECT p_granularity, date_trunc(p_granularity, r.started_at), s.campaign_id,
           rollup_url_host(r.url), rollup_url_path(r.url), count(*),
           count(*) FILTER (WHERE r.failed OR r.status >= 400), count(*) FILTER (WHERE r.failed),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.duration_ms),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms),
           max(r.duration_ms), COALESCE(sum(r.encoded_bytes), 0)
      FROM requests r
      JOIN page_visits pv ON pv.id = r.page_visit_id AND pv.arrived_at = r.page_arrived_at
      JOIN sessions s ON s.id = pv.session_id
     WHERE r.started_at >= lo AND r.started_at < p_to
       AND (p_campaign IS NULL OR s.campaign_id = p_campaign)
     GROUP BY 2, 3, 4, 5;
    GET DIAGNOSTICS added = ROW_COUNT;
    RETURN written + added;
END;
$$;

-- Retention of the endpoint buckets follows rollup_settings like the traffic buckets'.
ALTER FUNCTION rollup_apply_retention() RENAME TO rollup_apply_retention_traffic;

CREATE FUNCTION rollup_apply_retention() RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
    m BIGINT;
BEGIN
    n := rollup_apply_retention_traffic();
    DELETE FROM endpoint_rollups r USING rollup_settings st
     WHERE st.granularity = r.granularity AND r.bucket < date_trunc(r.granularity, now() - st.retention);
    GET DIAGNOSTICS m = ROW_COUNT;
    RETURN n + m;
END;
$$;
