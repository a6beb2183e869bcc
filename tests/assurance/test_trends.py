"""Trends: weekly counts made in SQL equal the hand-counted figures, with the decision that
changed the plan marked on the week it was agreed."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from coplan.assurance import charts, trends
from tests.factories import (
    AgreedDecisionFactory,
    IncidentFactory,
    RoutineFactory,
    RoutineRunFactory,
)

pytestmark = pytest.mark.django_db


def monday(weeks_ago: int) -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_ago)


def at(day: date, hour: int = 8) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def history(world):
    """Sam's morning routine over four weeks: three refusals in week 1 and two in week 2,
    then a new decision (agreed on the Tuesday of week 3), then one refusal in week 3 and
    none in week 4. Week 4 is the current week."""
    routine = RoutineFactory(person=world.person, by=world.manager)
    # The one liberty taken is the clock: the routine was in force from five weeks ago.
    routine.versions.update(effective_from=at(monday(5)))
    runs = [(3, 0, "refused"), (3, 1, "refused"), (3, 2, "refused"), (3, 3, "completed")]
    runs += [(2, 0, "refused"), (2, 2, "refused"), (2, 4, "completed")]
    runs += [(1, 2, "refused"), (1, 3, "completed"), (1, 4, "completed")]
    runs += [(0, 0, "completed")]
    for weeks_ago, weekday, outcome in runs:
        RoutineRunFactory(
            routine=routine,
            by=world.worker,
            outcome=outcome,
            occurred_at=at(monday(weeks_ago) + timedelta(days=weekday)),
            distress_noticed=outcome == "refused",
            distress_notes="Rocking, went quiet" if outcome == "refused" else "",
        )
    IncidentFactory(routine=routine, by=world.worker, occurred_at=at(monday(2) + timedelta(days=1)))
    decision = AgreedDecisionFactory(
        person=world.person,
        by=world.team_leader,
        question="Should Sam's shower move to the evening?",
        agreed_at=at(monday(1) + timedelta(days=1), 15),
    )
    from coplan.support import services as support_services
    from coplan.support.models import RoutineStep

    version = routine.versions.get(is_current=True)
    support_services.routine_revise(
        routine=routine,
        based_on=routine.version,
        by=world.manager,
        decisions=[decision, *version.decisions.all()],
        steps=[
            {"title": s.title, "agreed_words": s.agreed_words}
            for s in RoutineStep.objects.filter(version=version).order_by("position")
        ],
        agency_summary=version.agency_summary,
        change_reason="Shower in the evening, as Sam asked.",
        summary_confirmed=True,
    )
    return routine, decision


def test_weekly_refusals_equal_the_hand_count_with_the_decision_marked(world, history):
    routine, decision = history
    period = trends.Period(monday(3), timezone.localdate())
    series = trends.one_trend("refusals", trends.Scope.of(world.person), period)
    assert series.bucket == "week"
    assert series.buckets == [monday(3), monday(2), monday(1), monday(0)]
    assert [(line.label, line.values) for line in series.lines] == [
        ("Morning routine", [3, 2, 1, 0])
    ]
    marked = [m for m in series.markers if m.decision_id == decision.pk]
    assert [m.on for m in marked] == [monday(1) + timedelta(days=1)]
    # The table rows put the decision in its week.
    rows = {
        start: (values, [m.decision_id for m in marks]) for start, values, marks in series.rows()
    }
    assert rows[monday(1)] == ([1], [decision.pk])


def test_distress_and_incidents_are_counted_by_kind(world, history):
    period = trends.Period(monday(3), timezone.localdate())
    series = trends.one_trend("distress", trends.Scope.of(world.person), period)
    lines = {line.label: line.values for line in series.lines}
    assert lines == {
        "Distress noticed in a routine": [3, 2, 1, 0],
        "Incident: distress": [0, 1, 0, 0],
    }


def test_service_trends_count_everyone_in_the_service_only(world, history):
    period = trends.Period(monday(3), timezone.localdate())
    series = trends.one_trend("refusals", trends.Scope.of(world.service_a), period)
    # Labelled with the name Sam goes by, as the decisions marked on it and every page are.
    assert [(line.label, line.values) for line in series.lines] == [("Sam", [3, 2, 1, 0])]
    other = trends.one_trend("refusals", trends.Scope.of(world.service_b), period)
    assert other.lines == []


def test_a_long_period_counts_by_month(world, history):
    today = timezone.localdate()
    period = trends.Period(today - timedelta(days=400), today)
    series = trends.one_trend("refusals", trends.Scope.of(world.person), period)
    assert series.bucket == "month"
    assert sum(series.lines[0].values) == 6


def test_a_record_just_after_local_midnight_counts_in_its_local_week_and_month(world):
    # 00:30 on 1 July in London is 23:30 on 30 June in UTC: the record belongs to July, and
    # to the week starting Monday 1 July 2024, as the person's day had it.
    routine = RoutineFactory(person=world.person, by=world.manager)
    routine.versions.update(effective_from=at(date(2024, 6, 1)))
    for day, hour in ((date(2024, 6, 30), 23), (date(2024, 7, 1), 0)):
        RoutineRunFactory(
            routine=routine,
            by=world.worker,
            outcome="refused",
            occurred_at=timezone.make_aware(datetime.combine(day, time(hour, 30))),
        )
    scope = trends.Scope.of(world.person)
    monthly = trends.one_trend(
        "refusals", scope, trends.Period(date(2024, 4, 1), date(2024, 12, 31))
    )
    assert monthly.buckets[2:4] == [date(2024, 6, 1), date(2024, 7, 1)]
    assert monthly.lines[0].values[2:4] == [1, 1]
    weekly = trends.one_trend("refusals", scope, trends.Period(date(2024, 6, 24), date(2024, 7, 7)))
    assert weekly.buckets == [date(2024, 6, 24), date(2024, 7, 1)]
    assert weekly.lines[0].values == [1, 1]


def test_every_series_counts_in_a_fixed_number_of_queries(
    world, history, django_assert_num_queries
):
    period = trends.Period(monday(3), timezone.localdate())
    scope = trends.Scope.of(world.person)
    # Two of them count the structured distress records (all episodes, and those at 4 or 5).
    with django_assert_num_queries(14):
        trends.all_trends(scope, period)


def test_the_chart_is_svg_named_by_its_title_with_axis_labels_and_a_numbered_decision(
    world, history
):
    routine, decision = history
    period = trends.Period(monday(3), timezone.localdate())
    series = trends.one_trend("refusals", trends.Scope.of(world.person), period)
    svg = charts.series_svg(series, chart_id="t-refusals")
    assert svg.startswith("<svg")
    assert 'role="img"' in svg and 'aria-labelledby="t-refusals-title"' in svg
    assert '<title id="t-refusals-title">Routines refused, per routine, chart;' in svg
    # The page's heading shows the title: the chart does not draw it a second time.
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Routines refused, per routine" not in texts
    assert "Week starting" in texts and "Refusals" in texts  # text, not paths
    assert "1" in texts  # the decision's number, as in the key below the chart
    assert "Decision" not in svg
    assert "<style" not in svg  # nothing for the Content-Security-Policy to refuse


def test_chart_text_is_at_least_12_px_where_a_phone_draws_it_324_px_wide(world, history):
    period = trends.Period(monday(3), timezone.localdate())
    series = trends.one_trend("distress", trends.Scope.of(world.service_a), period)
    svg = charts.series_svg(series, chart_id="t-distress")
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) * 324 / view_width >= 12


def test_decisions_days_apart_are_numbered_in_staggered_rows():
    day = monday(8)
    series = trends.Series(
        key="refusals",
        title="Routines refused, per person",
        y_label="Refusals",
        bucket="week",
        buckets=[day + timedelta(weeks=w) for w in range(9)],
        lines=[trends.Line(label="Dan", values=[1, 2, 3, 2, 1, 0, 1, 2, 1])],
        markers=[
            trends.Marker(on=day + timedelta(days=d), label=f"decision {n}", decision_id=n)
            for n, d in [(8, 48), (4, 49), (5, 50), (2, 60)]
        ],
    )
    svg = charts.series_svg(series, chart_id="t-refusals")
    numbers = {
        text: (float(x), float(y))
        for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*bold[^>]*>(\d)<', svg)
    }
    assert sorted(numbers) == ["1", "2", "3", "4"]
    # 48, 49 and 50 days in are a few units apart: each gets its own row; 60 days in is
    # far enough from the others to share the first row.
    assert numbers["1"][1] < numbers["2"][1] < numbers["3"][1]
    assert numbers["4"][1] == numbers["1"][1]
    for a, b in [("1", "2"), ("2", "3"), ("1", "4")]:
        (ax, ay), (bx, by) = numbers[a], numbers[b]
        assert abs(ax - bx) >= charts.MARK_GAP or abs(ay - by) >= charts.FONT_SIZE


def test_the_legend_is_html_beside_the_chart_so_it_wraps_instead_of_covering_the_plot(
    world, history
):
    period = trends.Period(monday(3), timezone.localdate())
    series = trends.one_trend("distress", trends.Scope.of(world.person), period)
    drawn = charts.chart(series, chart_id="t-distress")
    assert [item["label"] for item in drawn["legend"]] == [
        "Distress noticed in a routine",
        "Incident: distress",
    ]
    assert all('aria-hidden="true"' in item["swatch"] for item in drawn["legend"])
    assert "Distress noticed in a routine" not in drawn["svg"]


def test_csv_has_the_weekly_figures(world, history):
    client = world.client_for(world.manager)
    start = monday(3)
    response = client.get(
        f"/assurance/people/{world.person.pk}/trends/refusals.csv?start={start}&end={timezone.localdate()}"
    )
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "Week starting,Morning routine,Decisions agreed"
    assert lines[1] == f"{monday(3).isoformat()},3,"
    assert lines[3].startswith(f"{monday(1).isoformat()},1,")


def test_trends_page_shows_charts_tables_and_period(world, history):
    routine, decision = history
    client = world.client_for(world.manager)
    response = client.get(f"/assurance/people/{world.person.pk}/trends/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<details>" in html and "The figures as a table" in html
    # One visible title a chart (its heading), its legend in HTML, its decisions numbered.
    assert html.count("Routines refused, per routine</h3>") == 1
    assert '<ul class="trend-legend" aria-label="Key to the lines"><li>' in html
    assert "Morning routine</li></ul>" in html
    assert f"decision {decision.pk}, Should Sam&#x27;s shower move to the evening?</li>" in html
    assert '<ol class="trend-decisions"><li>' in html
    bad = client.get(f"/assurance/people/{world.person.pk}/trends/?start=2026-13-01&end=x")
    assert bad.status_code == 200  # a form message, not a 500


@pytest.mark.parametrize(
    "who", ["worker", "outsider", "agency_now", "admin", "sister_user", "person_user"]
)
def test_trends_are_refused_to_those_who_do_not_read_evidence(world, who):
    client = world.client_for(getattr(world, who))
    response = client.get(f"/assurance/people/{world.person.pk}/trends/")
    assert response.status_code in (403, 404)


def test_trends_need_a_login(world):
    response = world.client_for(None).get(f"/assurance/people/{world.person.pk}/trends/")
    assert response.status_code == 302


def test_service_trends_for_the_quality_lead_not_the_other_services_worker(world):
    assert (
        world.client_for(world.quality_lead)
        .get(f"/assurance/services/{world.service_a.pk}/trends/")
        .status_code
        == 200
    )
    assert (
        world.client_for(world.outsider)
        .get(f"/assurance/services/{world.service_a.pk}/trends/")
        .status_code
        == 404
    )
