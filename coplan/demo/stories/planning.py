"""Demo planning data: the three examples from the domain source, made through the services.

Daniel's mornings (a decision re-co-produced and superseded), Priya's weekly rhythm, Marcus's
risk workshop on independent travel, and a goal for everyone else. Idempotent: a person
who already has sessions (or, for the others, goals) is left alone. All fictional.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from coplan.accounts.models import Organisation, User
from coplan.people.models import Person
from coplan.planning import services
from coplan.planning.models import (
    Decision,
    Domain,
    Goal,
    ParticipantKind,
    TakingPart,
)

K = ParticipantKind
H = TakingPart


def _at(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def _backdate_decision(decision: Decision, days_ago: int) -> None:
    # Demo history only: the services stamp "now"; the story needs months-old records.
    Decision.objects.filter(pk=decision.pk).update(
        created_at=_at(days_ago + 3), agreed_at=_at(days_ago, 15)
    )


def _circle(person: Person, name_start: str):
    return person.circle.filter(name__startswith=name_start).first()


def _key_worker_name(person: Person, fallback: User) -> str:
    return person.key_worker.name if person.key_worker_id else fallback.name


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    services.prompt_library_seed_defaults(organisation=org)
    leader = staff.get("team_leader_elm") or staff.get("manager_elm")
    manager = staff.get("manager_elm") or leader
    if leader is None or manager is None:
        return
    if "daniel" in people and not people["daniel"].sessions.exists():
        _daniel(people["daniel"], leader, manager)
    if "priya" in people and not people["priya"].sessions.exists():
        _priya(people["priya"], leader, manager)
    if "marcus" in people and not people["marcus"].sessions.exists():
        _marcus(people["marcus"], leader, manager)
    birch = staff.get("manager_birch") or manager
    for key, spec in OTHER_GOALS.items():
        person = people.get(key)
        if person is None or person.goals.exists():
            continue
        by = birch if person.service.name != "Elm House" else manager
        goal = dict(spec)
        entries = goal.pop("progress", [])
        created = services.goal_create(person=person, by=by, **goal)
        for days_ago, value, words in entries:
            services.goal_progress_add(
                goal=created,
                by=by,
                recorded_on=timezone.localdate() - timedelta(days=days_ago),
                value=value,
                persons_words=words,
            )


def _daniel(dan: Person, leader: User, manager: User) -> None:
    mum = _circle(dan, "Linda")
    worker = _key_worker_name(dan, leader)
    old = services.decision_create(
        person=dan,
        by=leader,
        domain=Domain.SUPPORT,
        question="How should Dan's morning personal care happen?",
        what_matters="Being clean for his skin.",
        agreed="Shower first thing, at 7:30, before breakfast.",
        reason="Staff rota: two staff are free at 7:30.",
        persons_words="",
        person_agrees=Decision.PersonAgrees.COULD_NOT_SAY,
        final_say="Dan",
        review_by=timezone.localdate() - timedelta(days=90),
        review_triggers="Dan refuses personal care more than twice in a week",
        options=[
            {
                "label": "Shower first thing at 7:30",
                "proposed_by": "Staff team",
                "benefits": "Fits the rota",
                "risks": "Dan is often distressed early",
                "is_chosen": True,
            },
            {
                "label": "Shower in the evening",
                "proposed_by": "Staff team",
                "benefits": "Calmer time",
                "risks": "Dan says he feels sticky all day",
            },
        ],
        participants=[
            {"kind": K.STAFF, "name": leader.name, "role": "team leader", "how": H.IN_PERSON},
            {"kind": K.PERSON, "name": "Dan", "role": "the person", "how": H.BEFOREHAND},
        ],
    )
    services.decision_agree(decision=old, by=manager, confirmed=True)
    _backdate_decision(old, 200)

    session = services.session_create(
        person=dan,
        by=leader,
        purpose="A day in the life: what makes a good morning for Dan",
        domain=Domain.SUPPORT,
        scheduled_for=_at(21, 11),
        location="Elm House lounge, with the big light off",
        prompts=[
            "What does a good morning look like for you?",
            "What does a bad morning look like?",
            "What should staff say, and what should they never say?",
        ],
        information_prepared=(
            "Picture cards for each part of the morning: waking, music, breakfast, shower, "
            "clothes.\nA photo of Dan's bathroom with the fan switched off."
        ),
        information_formats=["pictures", "easy_read"],
        choices=[
            {"label": "Breakfast first, then shower", "picture": "breakfast"},
            {"label": "Shower first, then breakfast", "picture": "shower"},
            {"label": "Choose clothes the night before", "picture": "clothes"},
        ],
        invitees=[
            {"kind": K.PERSON, "name": "Dan"},
            *([{"kind": K.CIRCLE, "name": mum.name, "circle_member": mum}] if mum else []),
            {"kind": K.STAFF, "name": worker},
            {"kind": K.STAFF, "name": leader.name},
        ],
    )
    services.session_view_add(
        session=session,
        by=leader,
        text="Don't make me shower when I wake up. Music and toast first.",
        how_given=H.PICTURES,
        on_behalf_of="person",
    )
    if mum:
        services.session_view_add(
            session=session,
            by=leader,
            text="At home he always had breakfast first. The hot shower hurts his skin.",
            how_given=H.PHONE,
            on_behalf_of=f"circle:{mum.pk}",
        )
    # Linda could not come: she gave her view beforehand, by phone (above), and did not
    # take part in the session or the decision made at it.
    services.session_record_taking_part(
        session=session,
        by=leader,
        attendance=[
            {
                "id": i.pk,
                "took_part": i.kind != K.CIRCLE,
                "how": {K.PERSON: H.PICTURES, K.STAFF: H.IN_PERSON}.get(i.kind, ""),
            }
            for i in session.invitees.all()
        ],
        held_at=_at(21, 11),
        notes="Dan sorted the picture cards into his own order: music, breakfast, shower. "
        "Linda's view, given by phone beforehand, was read out.",
    )

    # The new decision carries over the question's context and the options weighed last
    # time; who took part, what Dan said and agreed are recorded afresh, for this decision.
    new = services.decision_supersede(decision=old, by=leader)
    shower_first, evening = new.options.order_by("position")
    services.decision_update(
        decision=new,
        by=leader,
        based_on=new.version,
        session=session,
        question="How should Dan's mornings go?",
        what_matters="Starting slowly, breakfast first, choosing for himself, a warm (not hot) "
        "shower when he is calm.",
        agreed="Wake with music at 8:00. Breakfast first. Shower after breakfast, water warm "
        "not hot, fan off. Dan chooses his clothes the night before, from two outfits.",
        reason="Dan chose this order himself with the picture cards. Refusals happened at the "
        "7:30 shower; breakfast first removes the rush. Linda's view, given by phone "
        "beforehand, agreed: at home he had breakfast first, and hot water hurts his skin. "
        "Two staff are free at 8:45 after the rota change.",
        persons_words="Music. Toast. Then shower. Not hot.",
        person_agrees=Decision.PersonAgrees.AGREES,
        final_say="Dan",
        review_by=timezone.localdate() + timedelta(days=70),
        review_triggers="Dan refuses personal care more than twice in a week\n"
        "Staff say the routine isn't practical\nDan asks to change it",
        options=[
            {
                "label": "Breakfast first, shower later, clothes chosen the night before",
                "proposed_by": "Dan",
                "benefits": "Dan is calm and in control",
                "risks": "Needs staff free at 8:45",
                "safeguards": "Rota changed",
                "is_chosen": True,
            },
            {
                "id": shower_first.pk,
                "label": "Shower first thing (the old plan)",
                "proposed_by": shower_first.proposed_by,
                "benefits": shower_first.benefits,
                "risks": "Distress and refusals most mornings",
            },
            {
                "id": evening.pk,
                "label": evening.label,
                "proposed_by": evening.proposed_by,
                "benefits": "No morning rush",
                "risks": "Dan wants to feel fresh in the day",
            },
        ],
        participants=[
            {"kind": K.PERSON, "name": "Dan", "role": "the person", "how": H.PICTURES},
            {"kind": K.STAFF, "name": worker, "role": "key worker", "how": H.IN_PERSON},
            *(
                [{"kind": K.STAFF, "name": leader.name, "role": "team leader", "how": H.IN_PERSON}]
                if leader.name != worker
                else []
            ),
        ],
    )
    new.refresh_from_db()
    services.decision_agree(decision=new, by=manager, confirmed=True, based_on=new.version)
    _backdate_decision(new, 18)

    goal = services.goal_create(
        person=dan,
        by=leader,
        in_own_words="Start my day calm",
        picture="openmoji:1F60C",
        importance=Goal.Importance.VERY,
        success_looks_like="Dan rates his morning 4 or 5 out of 5 on most days.",
        measure=Goal.Measure.RATING,
        scale_max=5,
        target_value=4,
        target_date=timezone.localdate() + timedelta(days=90),
        decisions=[new],
        actions=[
            {
                "what": "Lay out two outfits for Dan to choose from",
                "who": "Evening staff",
                "when": "Every evening",
            },
            {
                "what": "Use the picture checklist for the morning",
                "who": "Morning staff",
                "when": "Every morning",
            },
        ],
    )
    for days_ago, value, words in [
        (35, 2, "Bad."),
        (28, 2, "Shower too early."),
        (14, 3, "OK."),
        (7, 4, "Good. Toast."),
        (2, 4, "Good morning."),
    ]:
        services.goal_progress_add(
            goal=goal,
            by=leader,
            recorded_on=timezone.localdate() - timedelta(days=days_ago),
            value=value,
            persons_words=words,
        )
    services.contingency_plan_save(
        person=dan,
        by=leader,
        triggers="Dan is woken suddenly\nThe morning staff member is new to him\nHot water",
        what_should_happen="Stop, put his music on, offer breakfast. Try the shower later.",
        who_to_contact="Linda Brooks (Mum), 07700 900123\nOn-call team leader",
        coping_strategies="Music with headphones\nHis picture checklist\nTime alone in the lounge",
    )


def _priya(priya: Person, leader: User, manager: User) -> None:
    brother = _circle(priya, "Ravi")
    worker = _key_worker_name(priya, leader)
    session = services.session_create(
        person=priya,
        by=leader,
        purpose="What makes an activity worth going to for Priya",
        domain=Domain.GOALS,
        scheduled_for=_at(30, 18),
        location="Priya's flat, in the evening",
        prompts=[
            "What matters most to you right now?",
            "What would make this week a good week?",
            "What puts you off going out?",
        ],
        information_prepared="Easy-read sheet with photos of four quiet places and the bus "
        "routes to them.",
        information_formats=["easy_read", "pictures"],
        choices=[
            {"label": "Library garden", "picture": "library"},
            {"label": "Community allotment", "picture": "garden"},
            {"label": "Art class at the quiet studio", "picture": "paint"},
            {"label": "Swimming at the busy leisure centre", "picture": "swimming"},
        ],
        invitees=[
            {"kind": K.PERSON, "name": "Priya"},
            *(
                [{"kind": K.CIRCLE, "name": brother.name, "circle_member": brother}]
                if brother
                else []
            ),
            {"kind": K.STAFF, "name": worker},
        ],
    )
    services.session_record_taking_part(
        session=session,
        by=leader,
        attendance=[
            {
                "id": i.pk,
                "took_part": True,
                "how": H.PICTURES if i.kind == K.PERSON else H.IN_PERSON,
            }
            for i in session.invitees.all()
        ],
        held_at=_at(30, 18),
    )
    decision = services.decision_create(
        person=priya,
        by=leader,
        session=session,
        domain=Domain.GOALS,
        question="What should Priya's week look like?",
        what_matters="Quiet places, predictable routes, knowing the plan the night before, "
        "not being asked again and again.",
        agreed="A weekly rhythm: two priority activities in quiet community spaces (library "
        "garden on Tuesday, art studio on Thursday) and two flexible options (allotment or a "
        "walk), with agreed alternatives if plans change. Staff prepare the night before: "
        "clothes, travel card, snack. Staff use the choice-prompt script, once.",
        reason="Priya's 'declined' entries were about crowds and surprises, not motivation. "
        "She chose these places herself from the pictures.",
        persons_words="Quiet places. Same bus. Tell me the night before.",
        person_agrees=Decision.PersonAgrees.AGREES,
        final_say="Priya",
        review_by=timezone.localdate() + timedelta(days=60),
        review_triggers="Priya declines the same activity three weeks running\nPriya asks to "
        "change",
        options=[
            {
                "label": "Keep offering the activity list every day",
                "proposed_by": "Staff team",
                "benefits": "Lots of choice",
                "risks": "Priya declines; too many questions",
            },
            {
                "label": "Two priority activities in quiet places, two flexible",
                "proposed_by": "Priya and Jamal",
                "benefits": "Predictable, quiet, her choice",
                "risks": "Less variety",
                "safeguards": "Agreed alternatives when plans change",
                "is_chosen": True,
            },
            {
                "label": "Stay in unless Priya asks to go out",
                "proposed_by": "Ravi",
                "benefits": "No pressure",
                "risks": "Priya becomes isolated",
            },
        ],
        participants=[
            {"kind": K.PERSON, "name": "Priya", "role": "the person", "how": H.PICTURES},
            *(
                [
                    {
                        "kind": K.CIRCLE,
                        "name": brother.name,
                        "role": "brother",
                        "how": H.PHONE,
                        "circle_member": brother,
                    }
                ]
                if brother
                else []
            ),
            {"kind": K.STAFF, "name": worker, "role": "key worker", "how": H.IN_PERSON},
        ],
    )
    services.decision_agree(decision=decision, by=manager, confirmed=True)
    _backdate_decision(decision, 28)
    goal = services.goal_create(
        person=priya,
        by=leader,
        in_own_words="Go to quiet places I like every week",
        picture="openmoji:1F4DA",
        importance=Goal.Importance.VERY,
        success_looks_like="Priya goes to her two priority activities most weeks and enjoys them.",
        measure=Goal.Measure.COUNT,
        measure_unit="activities a week",
        target_value=4,
        decisions=[decision],
        actions=[
            {
                "what": "Prepare clothes, travel card and snack the night before",
                "who": "Evening staff",
                "when": "Monday and Wednesday evenings",
            },
            {
                "what": "Use the choice-prompt script once, not repeated questions",
                "who": "All staff",
                "when": "Each activity day",
            },
        ],
    )
    for days_ago, value, words in [
        (28, 1, "Library was nice."),
        (21, 2, "Quiet."),
        (14, 2, ""),
        (7, 3, "I liked the studio."),
    ]:
        services.goal_progress_add(
            goal=goal,
            by=leader,
            recorded_on=timezone.localdate() - timedelta(days=days_ago),
            value=value,
            persons_words=words,
        )


def _marcus(marcus: Person, leader: User, manager: User) -> None:
    bea = _circle(marcus, "Bea")
    worker = _key_worker_name(marcus, leader)
    session = services.session_create(
        person=marcus,
        by=leader,
        purpose="Risk workshop: travelling to college on my own",
        domain=Domain.RISK,
        is_risk_workshop=True,
        scheduled_for=_at(40, 15),
        location="Elm House office",
        prompts=[
            "What do you want to be able to do?",
            "What could go wrong, and how likely is it?",
            "What would help you do it safely?",
            "What is the least restrictive way to try?",
        ],
        information_prepared="Map of the route with the two road crossings marked.\nWritten "
        "summary of each option for Marcus to read first.",
        information_formats=[],
        choices=[
            {"label": "No independent travel"},
            {"label": "Always go with staff"},
            {"label": "Learn the route in stages", "picture": "bus"},
            {"label": "Travel on my own from now"},
        ],
        invitees=[
            {"kind": K.PERSON, "name": "Marcus"},
            *([{"kind": K.CIRCLE, "name": bea.name, "circle_member": bea}] if bea else []),
            {"kind": K.STAFF, "name": worker},
            {"kind": K.STAFF, "name": leader.name},
        ],
    )
    if bea:
        services.session_view_add(
            session=session,
            by=leader,
            text="Marcus has been told no for two years without reasons. He is ready to learn.",
            how_given=H.WRITTEN,
            on_behalf_of=f"circle:{bea.pk}",
        )
    services.session_record_taking_part(
        session=session,
        by=leader,
        attendance=[
            {"id": i.pk, "took_part": True, "how": H.IN_PERSON} for i in session.invitees.all()
        ],
        held_at=_at(40, 15),
    )
    decision = services.decision_create(
        person=marcus,
        by=leader,
        session=session,
        domain=Domain.RISK,
        question="How can Marcus travel to college on his own?",
        what_matters="Independence, getting to college on time like everyone else, being trusted.",
        goal_kept="Get the bus to college on my own",
        agreed="Staged independence: accompanied travel with active teaching, then staff "
        "shadowing, then independent travel on the set route with check-in texts at the bus "
        "stop and at college.",
        reason="Marcus's goal stays. The risks (the ring-road crossing, people asking him for "
        "money) are managed by teaching and check-ins, not by saying no.",
        persons_words="I want to go on my own like my mates. I'll text you, I promise.",
        person_agrees=Decision.PersonAgrees.AGREES,
        more_restrictive_reason="Travelling alone from now is workable, but Marcus has not yet "
        "crossed the ring road on his own. He agreed to two weeks of teaching first; each "
        "stage moves on as soon as he shows the skills, not on a fixed date.",
        final_say="Marcus, with the team leader signing off safeguards",
        review_by=timezone.localdate() + timedelta(days=42),
        review_triggers="Any incident on the route (a mini-review, never an automatic step "
        "back)\nMarcus meets the criteria for the next stage\nMarcus asks",
        options=[
            {
                "label": "No independent travel",
                "restrictiveness": 1,
                "proposed_by": "Previous plan",
                "benefits": "No road or exploitation risk",
                "risks": "Marcus loses his goal; no learning",
                "is_workable": False,
            },
            {
                "label": "Always accompanied by staff",
                "restrictiveness": 2,
                "proposed_by": "Staff team",
                "benefits": "Staff there if something happens",
                "risks": "Marcus stays dependent; staff not always free",
                "is_workable": True,
            },
            {
                "label": "Staged independence",
                "restrictiveness": 3,
                "proposed_by": "Marcus and Bea",
                "benefits": "Learns the skills; the goal stays",
                "risks": "Some risk while learning",
                "safeguards": "Check-in texts; set route; stage criteria",
                "is_workable": True,
                "is_chosen": True,
            },
            {
                "label": "Independent travel from now",
                "restrictiveness": 4,
                "proposed_by": "Marcus",
                "benefits": "Full independence at once",
                "risks": "Ring-road crossing not yet practised",
                "is_workable": True,
            },
        ],
        participants=[
            {"kind": K.PERSON, "name": "Marcus", "role": "the person", "how": H.IN_PERSON},
            *(
                [
                    {
                        "kind": K.CIRCLE,
                        "name": bea.name,
                        "role": "advocate",
                        "how": H.IN_PERSON,
                        "circle_member": bea,
                    }
                ]
                if bea
                else []
            ),
            {"kind": K.STAFF, "name": worker, "role": "key worker", "how": H.IN_PERSON},
            {"kind": K.STAFF, "name": leader.name, "role": "team leader", "how": H.IN_PERSON},
        ],
    )
    services.decision_agree(decision=decision, by=manager, confirmed=True)
    _backdate_decision(decision, 38)
    checklist = [
        "Check the bus time on my phone",
        "Cross the ring road at the lights",
        "Tap my travel card",
        "Text staff at the bus stop and at college",
        "Know what to do if the bus doesn't come",
    ]
    goal = services.goal_create(
        person=marcus,
        by=leader,
        in_own_words="Get the bus to college on my own",
        picture="openmoji:1F68C",
        importance=Goal.Importance.VERY,
        success_looks_like="Marcus travels to college on his own on the set route, with "
        "check-in texts, every college day.",
        measure=Goal.Measure.CHECKLIST,
        checklist=checklist,
        target_date=timezone.localdate() + timedelta(days=84),
        decisions=[decision],
        actions=[
            {
                "what": "Accompanied trips with active teaching",
                "who": worker,
                "when": "Every college day, weeks 1 to 2",
            },
            {
                "what": "Shadowing from a distance",
                "who": worker,
                "when": "When Marcus meets the stage 1 criteria",
            },
        ],
    )
    for days_ago, done in [(35, 1), (28, 2), (21, 3), (14, 3), (7, 4)]:
        services.goal_progress_add(
            goal=goal,
            by=leader,
            recorded_on=timezone.localdate() - timedelta(days=days_ago),
            checklist_done=checklist[:done],
            persons_words="Easy." if done > 3 else "",
        )


OTHER_GOALS: dict[str, dict] = {
    "aisha": {
        "in_own_words": "Cook a meal for my friends every week",
        "importance": Goal.Importance.VERY,
        "success_looks_like": "Aisha plans, shops for and cooks one meal for friends each week.",
        "measure": Goal.Measure.COUNT,
        "measure_unit": "meals cooked for friends a month",
        "target_value": 4,
        "progress": [(21, 1, "Biryani!"), (7, 2, "")],
    },
    "grace_o": {
        "in_own_words": "Sing a solo at church",
        "importance": Goal.Importance.QUITE,
        "success_looks_like": "Grace sings a solo at a Sunday service by the summer.",
        "measure": Goal.Measure.RATING,
        "scale_max": 5,
        "target_value": 5,
        "progress": [(14, 2, "Nervous."), (7, 3, "")],
    },
    "tomasz": {
        "in_own_words": "Fix bikes at the repair café",
        "importance": Goal.Importance.VERY,
        "success_looks_like": "Tomek volunteers at the repair café twice a month.",
        "measure": Goal.Measure.COUNT,
        "measure_unit": "sessions a month",
        "target_value": 2,
        "progress": [(10, 1, "")],
    },
    "leon": {
        "in_own_words": "Sleep better so I can game with my friends",
        "importance": Goal.Importance.QUITE,
        "success_looks_like": "Leon feels rested on most mornings.",
        "measure": Goal.Measure.RATING,
        "scale_max": 5,
        "progress": [(14, 2, "Tired."), (7, 3, "")],
    },
    "fatima": {
        "in_own_words": "Volunteer at the animal shelter",
        "importance": Goal.Importance.VERY,
        "success_looks_like": "Fatima volunteers every Saturday and feels calm doing it.",
        "measure": Goal.Measure.COUNT,
        "measure_unit": "Saturdays a month",
        "target_value": 4,
        "progress": [(14, 2, "I walked the dogs.")],
    },
}
