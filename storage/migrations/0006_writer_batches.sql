-- The writer's ledger: one row per committed batch, inserted in the batch's own transaction.
-- When a COPY's commit outcome is unknown (connection lost during COMMIT) or a spooled batch is
-- replayed, the writer looks its batch_id up here first, so no batch is ever written twice.
-- Retention prunes entries older than 30 days (spool files are replayed long before that).
CREATE TABLE writer_batches (
    batch_id UUID PRIMARY KEY,
    rows INTEGER NOT NULL,
    committed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX idx_writer_batches_committed_at ON writer_batches (committed_at);
