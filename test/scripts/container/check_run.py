#!/usr/bin/env python3
"""Asserts what scripts/container-test.sh promises about a campaign run by worker containers, one
of them killed with SIGKILL mid-run:
  1. the campaign completed, and every session ended (none pending or running);
  2. every session has exactly one attempt's rows: pages numbered 1..n once each, and its row's
     pages_visited / total_actions equal the page_visits / actions stored for it;
  3. the sessions the killed worker held were taken back and ended too;
  4. the fixture site's recorder (test/site/recorder.js, reporting to site_server.py) saw every
     recorded click of the finished sessions: each session's clicks, in order, at the same page
     and point (+-1 px), are a subsequence of the mousedowns one browser tab reported.
Prints a table and exits 1 when any check fails. Talks to PostgreSQL with psql."""
import argparse
import collections
import json
import subprocess
import sys
import urllib.parse

failures = []


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)


def query(url, sql):
    out = subprocess.run(["psql", url, "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def expected_presses(rows):
    """DB click actions -> the mousedowns the page must have seen: (path, button, x, y)."""
    out = []
    for url, kind, x, y in rows:
        path = urllib.parse.urlsplit(url).path
        press = (path, 2 if kind == "right_click" else 0, int(x), int(y))
        out += [press, press] if kind == "double_click" else [press]
    return out


def is_subsequence(want, seen):
    i = 0
    for path, button, x, y in seen:
        if i < len(want):
            wp, wb, wx, wy = want[i]
            if path == wp and button == wb and abs(x - wx) <= 1 and abs(y - wy) <= 1:
                i += 1
    return i == len(want)


def match(sessions, tabs):
    """Each session to its own tab (Kuhn's augmenting paths); returns the unmatched sessions."""
    fits = {s: [t for t in tabs if is_subsequence(want, tabs[t])] for s, want in sessions.items()}
    owner = {}

    def assign(s, seen):
        for t in fits[s]:
            if t in seen:
                continue
            seen.add(t)
            if t not in owner or assign(owner[t], seen):
                owner[t] = s
                return True
        return False

    return [s for s in sessions if not assign(s, set())]


def check_metrics(path, by_status, killed):
    """The survivor's final scrape agrees with the database and counted its reclaims."""
    samples = {}
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                key, value = line.rsplit(" ", 1)
                samples[key] = float(value)
    print(f"  metrics: {len(samples)} series in the survivor's last scrape")
    for status in ("pending", "running", "completed", "failed", "timeout"):
        key = f'footfall_campaign_sessions{{status="{status}"}}'
        check(samples.get(key) == float(by_status.get(status, 0)),
              f"{key} = {samples.get(key)} equals the database ({by_status.get(status, 0)})")
    reclaims = samples.get("footfall_lease_reclaims_total", 0)
    check(reclaims >= min(killed, 1),
          f"footfall_lease_reclaims_total ({reclaims:g}) counts the killed worker's sessions")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--database-url", required=True)
    p.add_argument("--campaign", required=True, help="campaign name")
    p.add_argument("--sink", required=True, help="the recorder's JSON lines (site_server.py)")
    p.add_argument("--killed-sessions", default="", help="ids held by the killed worker, comma-separated")
    p.add_argument("--metrics", help="the surviving worker's last /metrics scrape (text format)")
    a = p.parse_args()
    db = a.database_url
    camp = query(db, f"SELECT id, status, total_sessions FROM campaigns WHERE name = '{a.campaign}' "
                     "ORDER BY created_at DESC LIMIT 1")
    if not camp:
        print(f"no campaign named {a.campaign}")
        return 1
    cid, status, total = camp[0]
    print(f"campaign {a.campaign} ({cid}): {status}")
    by_status = dict(query(db, f"SELECT status, count(*) FROM sessions WHERE campaign_id = '{cid}' "
                               "GROUP BY 1"))
    print("  sessions by status: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
    check(status == "completed", "the campaign completed")
    check(sum(map(int, by_status.values())) == int(total), f"all {total} sessions exist")
    check(int(by_status.get("pending", 0)) + int(by_status.get("running", 0)) == 0,
          "no session is left pending or running")

    # One attempt's rows: page numbers 1..n exactly once, and the row's counts agree.
    bad = query(db, f"""
      SELECT s.id, s.pages_visited, s.total_actions, count(DISTINCT pv.id),
             count(DISTINCT pv.visit_order), coalesce(min(pv.visit_order), 0),
             coalesce(max(pv.visit_order), 0), count(a.id)
      FROM sessions s LEFT JOIN page_visits pv ON pv.session_id = s.id
      LEFT JOIN actions a ON a.page_visit_id = pv.id
      WHERE s.campaign_id = '{cid}' AND s.status <> 'pending'
      GROUP BY s.id, s.pages_visited, s.total_actions
      HAVING count(DISTINCT pv.id) <> s.pages_visited
          OR count(DISTINCT pv.visit_order) <> count(DISTINCT pv.id)
          OR (count(pv.id) > 0 AND (min(pv.visit_order) <> 1
                                    OR max(pv.visit_order) <> count(DISTINCT pv.id)))
          OR count(a.id) <> s.total_actions""")
    for row in bad[:5]:
        print("    session %s: pages_visited=%s total_actions=%s pages=%s distinct orders=%s "
              "orders %s..%s actions=%s" % tuple(row))
    check(not bad, "every session has exactly one attempt's pages and actions")

    killed = [k for k in a.killed_sessions.split(",") if k]
    if killed:
        ids = ",".join(f"'{k}'" for k in killed)
        ended = query(db, f"SELECT count(*) FROM sessions WHERE id IN ({ids}) "
                          "AND status NOT IN ('pending', 'running')")[0][0]
        check(int(ended) == len(killed),
              f"the {len(killed)} session(s) the killed worker held ended ({ended})")
    else:
        check(False, "the killed worker held sessions when it was killed")

    # The page's side: every recorded click of a completed session was seen by one tab.
    rows = query(db, f"""
      SELECT s.id, pv.url, a.action_type, a.coordinates_x, a.coordinates_y
      FROM sessions s JOIN page_visits pv ON pv.session_id = s.id
      JOIN actions a ON a.page_visit_id = pv.id
      WHERE s.campaign_id = '{cid}' AND s.status = 'completed'
        AND a.action_type IN ('click', 'double_click', 'right_click', 'drag_and_drop')
      ORDER BY s.id, pv.visit_order, a.action_order""")
    want = collections.defaultdict(list)
    for sid, url, kind, x, y in rows:
        want[sid].append((url, kind, x, y))
    want = {s: expected_presses(v) for s, v in want.items()}
    tabs = collections.defaultdict(list)
    with open(a.sink) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "mousedown":
                tabs[r["tab"]].append((r["page"], r["button"], r["clientX"], r["clientY"]))
    unmatched = match(want, tabs)
    presses = sum(len(v) for v in want.values())
    print(f"  recorder: {sum(len(v) for v in tabs.values())} mousedowns from {len(tabs)} tabs; "
          f"database: {presses} presses in {len(want)} completed sessions with clicks")
    for s in unmatched[:5]:
        print(f"    session {s}: no tab saw its {len(want[s])} presses {want[s][:4]}...")
    check(presses > 0, "the finished sessions recorded clicks")
    check(not unmatched, "the page-side recorder saw every recorded click of the finished sessions")
    if a.metrics:
        check_metrics(a.metrics, by_status, len(killed))
    print("container test: " + ("PASSED" if not failures else f"FAILED ({len(failures)} check(s))"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
