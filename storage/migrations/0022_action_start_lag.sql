-- Issue 10: timing fidelity. How late each action started against footfall's plan: the
-- lateness of the timers that paced it (think time, aim, key gaps) since the previous action,
-- in ms. NULL for rows written before this column existed or actions with no timed wait.
ALTER TABLE actions ADD COLUMN start_lag_ms INTEGER;
