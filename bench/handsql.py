"""The same result as each benchmarked figure, as one hand-written SQL statement on the same
data: the floor the page is compared with ("within 2x of the same work as one hand-written
SQL query", DESIGN.md). Each returns the rows a page needs, with no templates, no access
checks and no access log: read them to see what the comparison is against.

The statements are plain SQL that SQLite and PostgreSQL both run, with %s parameters.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

SHIFT = """
SELECT p.id, p.given_name, p.family_name, s.position, s.title, s.agreed_words,
       s.window_start, s.window_end, s.avoid, s.picture,
       (SELECT COUNT(*) FROM delivery_routinerun r
         WHERE r.person_id = p.id AND r.occurred_at >= %s) AS runs_today,
       (SELECT COUNT(*) FROM delivery_activityrecord a
         WHERE a.person_id = p.id AND a.occurred_at >= %s) AS activities_today,
       (SELECT h.summary FROM delivery_handovernote h
         WHERE h.person_id = p.id ORDER BY h.occurred_at DESC LIMIT 1) AS last_handover,
       (SELECT e.activity FROM support_rhythmentry e
         JOIN support_rhythmversion rv ON rv.id = e.version_id AND rv.is_current
         JOIN support_activityrhythm ar ON ar.id = rv.rhythm_id AND ar.person_id = p.id
         ORDER BY e.time LIMIT 1) AS next_activity
  FROM people_person p
  JOIN support_routine ro ON ro.person_id = p.id AND ro.is_active
  JOIN support_routineversion v ON v.routine_id = ro.id AND v.is_current
  JOIN support_routinestep s ON s.version_id = v.id
 WHERE p.service_id = %s AND p.is_active
 ORDER BY p.given_name, p.id, s.position
"""

WRITE = """
INSERT INTO delivery_dailynote
       (created_at, updated_at, uid, version, occurred_at, text, persons_words,
        booking_id, person_id, recorded_by_id)
VALUES (%s, %s, %s, 1, %s, %s, '', NULL, %s, %s)
"""

TODAY = """
SELECT sv.id, sv.name,
       (SELECT COUNT(*) FROM reviews_reviewtrigger t JOIN people_person p ON p.id = t.person_id
         WHERE p.service_id = sv.id AND t.status = 'open') AS open_reviews,
       (SELECT COUNT(*) FROM delivery_incident i JOIN people_person p ON p.id = i.person_id
         WHERE p.service_id = sv.id AND i.occurred_at >= %s) AS incidents_week,
       (SELECT COUNT(*) FROM delivery_routinerun r JOIN people_person p ON p.id = r.person_id
         WHERE p.service_id = sv.id AND r.occurred_at >= %s) AS runs_today,
       (SELECT COUNT(*) FROM delivery_activityrecord a JOIN people_person p ON p.id = a.person_id
         WHERE p.service_id = sv.id AND a.occurred_at >= %s AND a.outcome = 'declined')
         AS declines_today
  FROM accounts_service sv
  JOIN accounts_membership m ON m.service_id = sv.id AND m.user_id = %s
 ORDER BY sv.name
"""

DASHBOARD = """
SELECT t.id, t.kind, t.reason, t.due_on, t.subject_label, p.given_name, p.family_name,
       sv.name
  FROM reviews_reviewtrigger t
  JOIN people_person p ON p.id = t.person_id AND p.is_active
  JOIN accounts_service sv ON sv.id = p.service_id
  JOIN accounts_membership m ON m.service_id = p.service_id AND m.user_id = %s
 WHERE t.status = 'open'
 ORDER BY t.due_on, t.id
"""

PACK = """
SELECT kind, outcome, COUNT(*), MIN(occurred_at), MAX(occurred_at) FROM (
  SELECT 'routine' AS kind, outcome, occurred_at FROM delivery_routinerun
   WHERE person_id = %s AND occurred_at BETWEEN %s AND %s
  UNION ALL
  SELECT 'activity', outcome, occurred_at FROM delivery_activityrecord
   WHERE person_id = %s AND occurred_at BETWEEN %s AND %s
  UNION ALL
  SELECT 'note', '', occurred_at FROM delivery_dailynote
   WHERE person_id = %s AND occurred_at BETWEEN %s AND %s
  UNION ALL
  SELECT 'incident', severity, occurred_at FROM delivery_incident
   WHERE person_id = %s AND occurred_at BETWEEN %s AND %s
  UNION ALL
  SELECT 'distress', 'intensity', occurred_at FROM delivery_distressrecord
   WHERE person_id = %s AND occurred_at BETWEEN %s AND %s
  UNION ALL
  SELECT 'decision', status, created_at FROM planning_decision
   WHERE person_id = %s AND created_at BETWEEN %s AND %s
) AS records
GROUP BY kind, outcome
ORDER BY kind, outcome
"""

SCAN = """
SELECT d.id, d.person_id, d.review_by FROM planning_decision d
  JOIN people_person p ON p.id = d.person_id AND p.is_active
  JOIN accounts_service sv ON sv.id = p.service_id AND sv.organisation_id = %s
 WHERE d.status = 'agreed' AND d.review_by <= %s
   AND NOT EXISTS (SELECT 1 FROM reviews_reviewtrigger t
                    WHERE t.decision_id = d.id AND t.status = 'open')
"""


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))


def _rows(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def shift(service_id: int) -> list:
    today = _start_of_today()
    return _rows(SHIFT, [today, today, service_id])


def write(person_id: int, user_id: int) -> None:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            WRITE,
            [now, now, uuid.uuid4().hex, now, "Settled evening.", person_id, user_id],
        )


def today_page(user_id: int) -> list:
    today = _start_of_today()
    return _rows(TODAY, [today - timedelta(days=7), today, today, user_id])


def dashboard(user_id: int) -> list:
    return _rows(DASHBOARD, [user_id])


def pack(person_id: int, start: datetime, end: datetime) -> list:
    return _rows(PACK, [person_id, start, end] * 6)


def scan(organisation_id: int) -> list:
    return _rows(SCAN, [organisation_id, timezone.localdate()])
