-- Issue 11: a persona's input hardware and typing skill (engine/human_dispatch.hpp). A campaign's
-- settings may override them for every session; "mixed" draws per session from its seed.
ALTER TABLE personas
    ADD COLUMN input_device TEXT NOT NULL DEFAULT 'mixed',
    ADD COLUMN typing_skill TEXT NOT NULL DEFAULT 'mixed',
    ADD CONSTRAINT personas_input_device_known CHECK (input_device IN ('wheel', 'touchpad', 'mixed')),
    ADD CONSTRAINT personas_typing_skill_known
        CHECK (typing_skill IN ('novice', 'average', 'expert', 'mixed'));
