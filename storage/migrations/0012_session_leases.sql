-- Leases (storage/leases.hpp). A claimed session belongs to its worker only while its lease runs:
-- the worker renews lease_expires_at by heartbeat; once it passes, any worker reclaims the session
-- (back to pending with attempt + 1, or failed past the campaign's max_attempts). `attempt` is
-- also the fencing token: the writer drops rows carrying another attempt, so a worker whose lease
-- expired (a zombie) cannot write into the session's next attempt. worker_lost marks a session
-- failed by reclaim, so a zombie cannot overwrite that verdict either.
-- (Cf. River's job rescuer and Oban's Lifeline, which rescue jobs stuck `running` after a lease.)
ALTER TABLE sessions
    ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN lease_expires_at TIMESTAMP WITH TIME ZONE,
    ADD COLUMN worker_lost BOOLEAN NOT NULL DEFAULT false,
    ADD CONSTRAINT sessions_attempt_positive CHECK (attempt > 0);

-- Reclaim and the live-lease count read only a campaign's running sessions.
CREATE INDEX idx_sessions_campaign_lease ON sessions (campaign_id, lease_expires_at)
    WHERE status = 'running';
