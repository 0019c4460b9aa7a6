-- Issue 10: a page visit measured while footfall itself was saturated (machine CPU busy or its
-- io thread late, engine/saturation.hpp). compare leaves such visits out of load verdicts and
-- the report counts them. Partitioned parent: the column reaches every partition.
ALTER TABLE page_visits ADD COLUMN saturated BOOLEAN NOT NULL DEFAULT false;
