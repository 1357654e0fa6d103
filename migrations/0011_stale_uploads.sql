-- When each chunk of an upload arrived, so that an upload whose server died mid-transfer (left
-- `receiving` for good, holding its chunks) can be told from one still coming in: a periodic
-- job fails uploads that have received nothing for an hour (jobs/claim_jobs.hpp). Chunks stored
-- before this migration count as received now.
ALTER TABLE import_chunks ADD COLUMN received_at TIMESTAMPTZ NOT NULL DEFAULT now();
