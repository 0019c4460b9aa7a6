-- The spec's enums. Types must exist before the tables that use them (the spec's sketch declares
-- them after). Order of values follows storage/records.hpp, which indexes by it.
CREATE TYPE campaign_status AS ENUM ('pending', 'running', 'paused', 'completed', 'failed');
CREATE TYPE session_status AS ENUM ('pending', 'running', 'completed', 'failed', 'timeout');
CREATE TYPE action_type AS ENUM (
    'click', 'double_click', 'right_click',
    'scroll', 'scroll_to_element',
    'type', 'clear', 'select',
    'hover', 'drag_and_drop',
    'key_press', 'page_load', 'page_unload'
);
