-- Detail tables, partitioned by time. The partition manager (storage/partitions.cpp) creates
-- daily partitions named <table>_pYYYYMMDD ahead of time; the DEFAULT partitions below catch any
-- row outside them, and their rows are moved out when the matching daily partition is created.
--
-- PostgreSQL requires every PRIMARY KEY / UNIQUE constraint of a partitioned table to include the
-- partition key, so the spec's keys become (id, arrived_at) and (id, "timestamp").

CREATE TABLE page_visits (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    session_id UUID NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    url VARCHAR(500) NOT NULL,
    title TEXT,
    visit_order INTEGER NOT NULL,
    arrived_at TIMESTAMP WITH TIME ZONE NOT NULL,
    left_at TIMESTAMP WITH TIME ZONE,
    -- EXTRACT returns numeric since PG 14; the spec's column is INTEGER.
    dwell_time_ms INTEGER GENERATED ALWAYS AS (
        (EXTRACT(EPOCH FROM (left_at - arrived_at)) * 1000)::integer
    ) STORED,
    actions_count INTEGER NOT NULL DEFAULT 0,
    scroll_depth_percent INTEGER NOT NULL DEFAULT 0,
    -- Beyond the spec (storage/records.hpp): navigation timing in ms from navigation start, and
    -- what went wrong on the page.
    ttfb_ms DOUBLE PRECISION,
    dom_content_loaded_ms DOUBLE PRECISION,
    load_ms DOUBLE PRECISION,
    console_errors INTEGER NOT NULL DEFAULT 0,
    failed_requests INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT page_visits_pkey PRIMARY KEY (id, arrived_at),
    CONSTRAINT page_visits_visit_order_positive CHECK (visit_order > 0),
    CONSTRAINT page_visits_scroll_depth_percent_range CHECK (scroll_depth_percent BETWEEN 0 AND 100),
    CONSTRAINT page_visits_left_after_arrived CHECK (left_at IS NULL OR left_at >= arrived_at),
    CONSTRAINT page_visits_actions_count_nonnegative CHECK (actions_count >= 0),
    CONSTRAINT page_visits_problem_counts_nonnegative CHECK (console_errors >= 0 AND failed_requests >= 0)
) PARTITION BY RANGE (arrived_at);

CREATE TABLE page_visits_default PARTITION OF page_visits DEFAULT;

-- The spec's UNIQUE (session_id, visit_order) cannot be a constraint on a table partitioned by
-- arrived_at (a session may span midnight, so its visits may sit in two partitions). It is kept
-- by this trigger instead: it serializes per session with a transaction-scoped advisory lock and
-- probes the (session_id, visit_order) index of every partition. Page visits are ~1/50 of the
-- rows, so the per-row trigger (which turns COPY's multi-insert off for this table only) is cheap.
CREATE INDEX idx_page_visits_session ON page_visits (session_id, visit_order);
CREATE INDEX idx_page_visits_url ON page_visits (url);
CREATE INDEX idx_page_visits_session_time ON page_visits (session_id, arrived_at);

CREATE FUNCTION page_visits_unique_visit_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.session_id::text, 7001));
    IF EXISTS (SELECT 1 FROM page_visits
               WHERE session_id = NEW.session_id AND visit_order = NEW.visit_order
                 AND id IS DISTINCT FROM NEW.id) THEN
        RAISE EXCEPTION 'duplicate key value violates unique constraint "page_visits_session_id_visit_order_key"'
            USING ERRCODE = 'unique_violation',
                  CONSTRAINT = 'page_visits_session_id_visit_order_key',
                  TABLE = 'page_visits',
                  DETAIL = format('Key (session_id, visit_order)=(%s, %s) already exists.',
                                  NEW.session_id, NEW.visit_order);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER page_visits_session_id_visit_order_key
    BEFORE INSERT OR UPDATE OF session_id, visit_order ON page_visits
    FOR EACH ROW EXECUTE FUNCTION page_visits_unique_visit_order();

CREATE TABLE actions (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    page_visit_id UUID NOT NULL,
    -- The parent's partition key, so a join to page_visits prunes to one partition.
    page_arrived_at TIMESTAMP WITH TIME ZONE NOT NULL,
    action_type action_type NOT NULL,
    element_selector TEXT,
    element_text TEXT,
    coordinates_x INTEGER,
    coordinates_y INTEGER,
    input_value TEXT,
    "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    action_order INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT actions_pkey PRIMARY KEY (id, "timestamp"),
    CONSTRAINT actions_action_order_positive CHECK (action_order > 0),
    CONSTRAINT actions_duration_ms_nonnegative CHECK (duration_ms >= 0),
    -- Doubles as the spec's idx_actions_page_visit (page_visit_id, action_order).
    CONSTRAINT actions_page_visit_id_action_order_key UNIQUE (page_visit_id, action_order, "timestamp")
) PARTITION BY RANGE ("timestamp");

-- actions -> page_visits is enforced on write, not by a FOREIGN KEY, because:
--  * the only producer is storage::writer, which receives a page and its actions as one
--    page_record, validates that its actions point at it with action_order 1..n, and COPYs the
--    page_visits row before its actions in the same transaction; a page is never written twice
--    (page_visits_pkey + the writer's batch ledger), so (page_visit_id, action_order) stays unique
--    across partitions too;
--  * an FK to a partitioned table costs an index probe per action (the hot table), and it blocks
--    the partition manager: moving page_visits rows out of the DEFAULT partition deletes them
--    there (ON DELETE CASCADE would delete their actions; NO ACTION would refuse), and dropping
--    an expired page_visits partition would need its actions' partition gone first although the
--    two tables are partitioned on different clocks.
-- Reads join on (page_visit_id, page_arrived_at) = (id, arrived_at).
CREATE TABLE actions_default PARTITION OF actions DEFAULT;

CREATE INDEX idx_actions_type_timestamp ON actions (action_type, "timestamp");
-- The spec's partial index `WHERE timestamp > now() - interval '1 hour'` is not valid SQL (index
-- predicates must be immutable). Recent-time queries prune to today's partition; inside it this
-- BRIN index (rows arrive in time order) narrows the range at almost no insert cost.
CREATE INDEX idx_actions_timestamp ON actions USING brin ("timestamp");
