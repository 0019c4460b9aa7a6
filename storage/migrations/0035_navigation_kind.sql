-- Every click ends in a known outcome (issue 9 item 1). An action that can navigate records what
-- it did: nothing ('none', the page stayed quiet), a same-document navigation (an SPA route,
-- a #fragment), a cross-document navigation, or a new target (popup, new tab). A page visit
-- records how the visitor got there: 'cross_document' for a document load (the first page
-- included), 'same_document' for an SPA route change, 'new_target' for a popup or new tab the
-- previous page opened. NULL: not observed (rows written before this migration, or actions
-- that cannot navigate).
CREATE TYPE navigation_kind AS ENUM ('none', 'same_document', 'cross_document', 'new_target');

ALTER TABLE actions ADD COLUMN navigation_kind navigation_kind;
ALTER TABLE page_visits ADD COLUMN navigation_kind navigation_kind;
