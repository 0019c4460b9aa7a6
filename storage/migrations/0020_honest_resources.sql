-- Issue 10: resource figures a reader can check. peak_memory_mb becomes proportional set size
-- (PSS, /proc/PID/smaps_rollup) of the browsers' process groups plus footfall itself, instead of
-- RSS summed over processes (which counted Chromium's shared pages once per process). Next to
-- it, what the machine saw over the same run, to check it against:
--   machine_memory_rise_mb  peak of (MemTotal − MemAvailable) minus its value at the start
--   machine_cpu_usage       busy share of all CPUs over the run (every process, not only ours)
--   footfall_memory_mb      footfall's own peak PSS (included in peak_memory_mb)
ALTER TABLE campaign_analytics
    ADD COLUMN machine_memory_rise_mb INTEGER,
    ADD COLUMN machine_cpu_usage DECIMAL(4,3),
    ADD COLUMN footfall_memory_mb INTEGER;
