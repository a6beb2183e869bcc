"""Load Coplan's demo: one organisation, two services, eight people and their circles, staff
in every role. Running it again changes nothing. All names and details are fictional."""

from datetime import date, datetime, time, timedelta
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coplan.accounts.models import Membership, Organisation, Service, ShiftBooking, User
from coplan.people import services as people_services
from coplan.people.models import CommunicationNeed, Person

DEMO_PASSWORD = "coplan-demo-2026"
Role = Membership.Role

# username, display name, service key, role, staff key
SERVICES = {
    "elm": ("Elm House", "12 Elm Road, Northby"),
    "birch": ("Birch Court", "3 Birch Court, Northby"),
}

STAFF = [
    ("maria", "Maria Okafor", "elm", Role.MANAGER, "manager_elm"),
    ("tom", "Tom Reid", "elm", Role.TEAM_LEADER, "team_leader_elm"),
    ("sarah", "Sarah Collins", "elm", Role.SUPPORT_WORKER, "worker_elm"),
    ("jamal", "Jamal Hussain", "elm", Role.SUPPORT_WORKER, "worker_elm_2"),
    ("kasia", "Kasia Nowak", "elm", Role.AGENCY_WORKER, "agency_elm"),
    ("helen", "Helen Price", "birch", Role.MANAGER, "manager_birch"),
    ("dev", "Dev Patel", "birch", Role.SUPPORT_WORKER, "worker_birch"),
    ("grace", "Grace Mensah", "birch", Role.QUALITY_LEAD, "quality_lead"),
    ("alex", "Alex Morgan", "elm", Role.ADMIN, "admin"),
]

PEOPLE = {
    "daniel": {
        "service": "elm",
        "given_name": "Daniel",
        "family_name": "Brooks",
        "preferred_name": "Dan",
        "pronouns": "he/him",
        "date_of_birth": date(1994, 3, 14),
        "key_worker": "sarah",
        "strengths": "Great memory for music\nKind to new staff\nKnows every bus number in town",
        "most_important": (
            "Starting my day slowly, with breakfast first\nMy music in the mornings\n"
            "Seeing Mum on Sundays"
        ),
        "important_people": "Mum (Linda)\nMy friend Chris from the music group",
        "how_i_communicate": (
            "I use short sentences. When I am worried I go quiet and rock.\n"
            "Talk to me calmly, one thing at a time, and give me time to answer."
        ),
        "wellness": "I have eczema; the shower water must not be too hot.",
        "please_do": "Knock and wait. Tell me what is next. Let me choose my clothes.",
        "please_do_not": "Rush me in the morning. Talk over me. Turn the big light on.",
        "how_and_when_to_support": "Mornings: prompt gently, breakfast first, shower after.",
        "also_worth_knowing": "I like Motown and I know all the words.",
        "supported_to_write_by": "Sarah Collins (key worker) and Linda Brooks (Mum)",
        "about_me_updated_on": date(2026, 9, 2),
        "like_and_admire": "Funny\nLoyal to his friends\nRemembers everyone's birthday",
        "how_best_to_support": (
            "Breakfast before anything else\nOne step at a time, using the picture checklist\n"
            "Clothes chosen the night before"
        ),
        "important_to": "Breakfast first\nMusic on in the morning\nChoosing my own clothes",
        "important_for": "Washing every day for my skin\nTaking my cream",
        "balance": "Shower after breakfast, when Dan is calm, keeps both his control and his skin care.",
        "sensory_triggers": "Bright overhead light\nHot water\nNoisy bathroom fan",
        "distress_triggers": "Being rushed\nSeveral people talking at once",
        "good_day": "Wake slowly, music, breakfast, then a warm shower, then out to the music group.",
        "bad_day": "Woken suddenly, told to shower first, staff arguing about time.",
    },
    "priya": {
        "service": "elm",
        "given_name": "Priya",
        "family_name": "Sharma",
        "pronouns": "she/her",
        "date_of_birth": date(1989, 11, 2),
        "key_worker": "jamal",
        "login": "priya",
        "strengths": "Artistic\nPatient\nGood with plants",
        "most_important": "Quiet places\nKnowing the plan for the day\nMy painting",
        "important_people": "My brother Ravi\nMy cat, Biscuit",
        "how_i_communicate": "I speak, but busy places make it hard. Give me choices with pictures.",
        "please_do": "Tell me the plan the night before.",
        "please_do_not": "Ask me the same question again and again.",
        "how_and_when_to_support": "Prepare the night before: clothes, travel card, snack.",
        "like_and_admire": "Creative\nThoughtful",
        "how_best_to_support": "Two choices with pictures\nThe same travel route each time",
        "important_to": "Quiet community spaces\nPredictable travel routes\nPainting",
        "important_for": "Getting out of the house most days\nStaying connected to people",
        "good_day": "A quiet morning at the library garden and painting in the afternoon.",
        "bad_day": "A crowded bus that is late, and a change of plan with no warning.",
        "sensory_triggers": "Crowds\nLoud music in shops",
        "about_me_updated_on": date(2026, 8, 20),
        "supported_to_write_by": "Jamal Hussain (key worker)",
    },
    "marcus": {
        "service": "elm",
        "given_name": "Marcus",
        "family_name": "Reid-Allen",
        "pronouns": "he/him",
        "date_of_birth": date(2002, 6, 30),
        "key_worker": "sarah",
        "login": "marcus",
        "strengths": "Determined\nGood at maps on his phone\nPolite to everyone",
        "most_important": "Getting to college on my own\nMy phone\nFootball on Saturdays",
        "important_people": "My advocate Bea\nMy college tutor",
        "how_i_communicate": "I talk well. I sometimes say yes when I don't understand: check back.",
        "please_do": "Explain why. Let me try.",
        "please_do_not": "Just say no.",
        "like_and_admire": "Brave\nFunny\nAlways on time",
        "how_best_to_support": "Teach me, then step back. Agree check-in times with me.",
        "important_to": "Travelling on my own\nCollege\nFootball",
        "important_for": "Staying safe on roads\nNot being taken advantage of",
        "balance": "Staged independence with check-ins keeps Marcus's goal and manages the risks.",
        "good_day": "Getting the bus to college, a text to staff when I arrive.",
        "bad_day": "Being told I can't go out on my own without a reason.",
        "about_me_updated_on": date(2026, 7, 14),
        "supported_to_write_by": "Bea Lawson (advocate)",
    },
    "aisha": {
        "service": "elm",
        "given_name": "Aisha",
        "family_name": "Khan",
        "pronouns": "she/her",
        "key_worker": "jamal",
        "strengths": "Warm\nLoves cooking",
        "most_important": "Cooking for my friends\nPraying on time",
        "how_i_communicate": "I use British Sign Language.",
        "important_to": "Cooking\nMy faith\nMy friends",
        "important_for": "Eating well with diabetes",
        "good_day": "Cooking a big meal with friends.",
        "bad_day": "Nobody who can sign is on shift.",
    },
    "grace_o": {
        "service": "birch",
        "given_name": "Grace",
        "family_name": "Okonjo",
        "key_worker": "dev",
        "strengths": "Sings beautifully\nGood listener",
        "most_important": "Church on Sunday\nMy choir",
        "important_to": "Singing\nChurch",
        "important_for": "Taking my epilepsy medicine on time",
    },
    "tomasz": {
        "service": "birch",
        "given_name": "Tomasz",
        "family_name": "Wiśniewski",
        "preferred_name": "Tomek",
        "key_worker": "dev",
        "strengths": "Handy with tools",
        "most_important": "Fixing bikes\nPhone calls with my dad in Poland",
        "important_to": "Bikes\nMy dad",
        "important_for": "Keeping my flat safe and warm",
    },
    "leon": {
        "service": "birch",
        "given_name": "Leon",
        "family_name": "Campbell",
        "key_worker": "dev",
        "strengths": "Great at computer games\nHonest",
        "most_important": "My own space\nGaming with friends online",
        "important_to": "Gaming\nTime alone",
        "important_for": "Sleeping enough",
    },
    "fatima": {
        "service": "birch",
        "given_name": "Fatima",
        "family_name": "Ali",
        "key_worker": "dev",
        "strengths": "Organised\nLoves animals",
        "most_important": "Volunteering at the animal shelter",
        "important_to": "Animals\nRoutine",
        "important_for": "Managing anxiety",
    },
}

NEEDS = {
    "daniel": [
        (
            CommunicationNeed.Category.INFORMATION_FORMAT,
            "pictures",
            "Picture checklists for routines",
            "Use the picture checklist; point to each step.",
        ),
        (
            CommunicationNeed.Category.COMMUNICATION_SUPPORT,
            "",
            "Extra time to answer",
            "Ask one question, then wait at least 10 seconds.",
        ),
    ],
    "priya": [
        (
            CommunicationNeed.Category.INFORMATION_FORMAT,
            "easy_read",
            "Easy read information",
            "Plans and letters in easy read, with pictures.",
        ),
    ],
    "marcus": [
        (
            CommunicationNeed.Category.COMMUNICATION_SUPPORT,
            "",
            "Check understanding",
            "Ask Marcus to say it back in his own words.",
        ),
    ],
    "aisha": [
        (
            CommunicationNeed.Category.PROFESSIONAL,
            "bsl",
            "BSL interpreter for meetings",
            "Book an interpreter for every planning meeting.",
        ),
        (
            CommunicationNeed.Category.CONTACT_METHOD,
            "",
            "Contact by text message, never by phone call",
            "Text, do not phone.",
        ),
    ],
    "grace_o": [
        (
            CommunicationNeed.Category.INFORMATION_FORMAT,
            "large_print",
            "Large print (18 pt)",
            "Print everything at 18 pt or larger.",
        ),
    ],
}

CIRCLE = {
    "daniel": [
        dict(
            name="Linda Brooks",
            relationship_type="family",
            relationship="Mum",
            phone="07700 900123",
            login="linda",
            may_see_profile=True,
            may_see_plan=True,
            may_see_records=False,
            may_see_reviews=True,
            consent_note="Dan agreed with pictures, 2 September 2026.",
        ),
    ],
    "priya": [
        dict(
            name="Ravi Sharma",
            relationship_type="family",
            relationship="my brother",
            phone="07700 900456",
            may_see_profile=True,
            may_see_plan=True,
            consent_note="Priya agreed at her planning meeting.",
        ),
    ],
    "marcus": [
        dict(
            name="Bea Lawson",
            relationship_type="advocate_unpaid",
            relationship="my advocate",
            email="bea.lawson@example.org",
            login="bea",
            may_see_profile=True,
            may_see_plan=True,
            may_see_reviews=True,
            consent_note="Marcus asked for Bea to see his plan.",
        ),
        dict(
            name="Yvonne Allen",
            relationship_type="family",
            relationship="Mum",
            phone="07700 900789",
            may_see_profile=True,
            may_see_plan=False,
            consent_note="Marcus wants Mum to see his profile but not his travel plan.",
        ),
    ],
    "aisha": [
        dict(
            name="Sana Khan",
            relationship_type="friend",
            relationship="best friend",
            may_see_profile=True,
            consent_note="Aisha agreed, via BSL interpreter.",
        ),
    ],
}

AGREEMENTS = {
    "daniel": [
        ("My morning routine", "Show me the picture choices the evening before; I choose.", "Dan"),
        (
            "Health appointments",
            "Explain with pictures; Mum comes with me.",
            "Dan, with Mum's help",
        ),
    ],
    "priya": [
        ("What I do in the week", "Two picture choices at a time, the night before.", "Priya")
    ],
    "marcus": [
        (
            "Travel and going out",
            "Talk it through with me and Bea; write the plan down.",
            "Marcus, with the team leader signing off safeguards",
        ),
        ("Money", "Show me my balance on my phone.", "Marcus"),
    ],
}

PROFILES = {
    "daniel": dict(
        how_i_like_information="Pictures and short words",
        choices_at_once=2,
        presentation="visual",
        ways_to_help_understand="Show me the pictures; one at a time.",
        best_time="Mid-morning, after breakfast",
        bad_time="First thing in the morning",
    ),
    "priya": dict(
        how_i_like_information="Easy read, with pictures",
        choices_at_once=2,
        presentation="mixed",
        best_time="Evening, for the next day",
        bad_time="In busy places",
    ),
    "marcus": dict(
        how_i_like_information="Talk and write it down",
        choices_at_once=4,
        presentation="spoken",
        ways_to_help_understand="Ask me to say it back",
        best_time="Afternoon",
        bad_time="When I'm tired after college",
    ),
}

LOGINS = {
    "priya": "Priya Sharma",
    "marcus": "Marcus Reid-Allen",
    "linda": "Linda Brooks",
    "bea": "Bea Lawson",
}

STAGE_DEMOS = [
    "coplan.demo.stories.planning",
    "coplan.demo.stories.support",
    "coplan.demo.stories.delivery",
    "coplan.demo.stories.distress",  # after delivery: it links to its activity records
    "coplan.demo.stories.reviews",
    "coplan.demo.stories.risk",  # after planning: it builds on the agreed risk decision
    "coplan.demo.stories.circle",  # after reviews: Linda answers a review opened after Dan's
    "coplan.demo.stories.pictures",  # before easy read: its lines draw the pictures
    "coplan.demo.stories.easyread",  # after support and risk: words for their lines
    "coplan.demo.stories.assurance",  # last: it checks what the others recorded
    "coplan.demo.stories.packs",  # last: its evidence pack reads every story before it
]


def _user(username: str, name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": name, "email": f"{username}@example.org"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


class Command(BaseCommand):
    help = "Load the demo organisation, people and staff (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        org, _ = Organisation.objects.get_or_create(
            slug="riverside", defaults={"name": "Riverside Supported Living"}
        )
        services = {
            key: Service.objects.get_or_create(
                organisation=org, name=name, defaults={"address": address}
            )[0]
            for key, (name, address) in SERVICES.items()
        }
        staff: dict[str, User] = {}
        users: dict[str, User] = {}
        for username, name, service_key, role, key in STAFF:
            user = _user(username, name)
            Membership.objects.get_or_create(
                user=user, service=services[service_key], defaults={"role": role}
            )
            staff[key] = users[username] = user
        admin = users["alex"]
        if not admin.is_staff:
            admin.is_staff = True
            admin.save(update_fields=["is_staff"])
            from django.contrib.auth.models import Permission

            admin.user_permissions.set(
                Permission.objects.filter(content_type__app_label="accounts").exclude(
                    codename__in=["delete_accesslog", "change_accesslog", "add_accesslog"]
                )
            )
        for username, name in LOGINS.items():
            users[username] = _user(username, name)

        self._bookings(services, users)
        people = self._people(services, users, staff["manager_elm"])

        for module_name in STAGE_DEMOS:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError:
                continue
            module.seed(org=org, people=people, staff=staff)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(people)} people."))

    def _bookings(self, services, users) -> None:
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        shifts = [("sarah", "elm"), ("jamal", "elm"), ("kasia", "elm"), ("dev", "birch")]
        for offset in range(-1, 8):
            day = today + timedelta(days=offset)
            starts = datetime.combine(day, time(7, 0), tzinfo=tz)
            for username, service_key in shifts:
                ShiftBooking.objects.get_or_create(
                    user=users[username],
                    service=services[service_key],
                    starts_at=starts,
                    defaults={"ends_at": starts + timedelta(hours=15)},
                )

    def _people(self, services, users, manager: User) -> dict[str, Person]:
        people: dict[str, Person] = {}
        for key, spec in PEOPLE.items():
            spec = dict(spec)
            service = services[spec.pop("service")]
            key_worker = users[spec.pop("key_worker")]
            login = users.get(spec.pop("login", ""))
            person = Person.objects.filter(
                service=service, given_name=spec["given_name"], family_name=spec["family_name"]
            ).first()
            if person is None:
                person = people_services.person_create(
                    service=service, by=manager, key_worker=key_worker, login=login, **spec
                )
                _fill_person(key, person, manager, users)
            people[key] = person
        return people


def _fill_person(key: str, person: Person, manager: User, users: dict[str, User]) -> None:
    today = timezone.localdate()
    for category, fmt, need, how in NEEDS.get(key, []):
        people_services.communication_need_create(
            person=person,
            by=manager,
            category=category,
            information_format=fmt,
            need=need,
            how_to_meet=how,
            review_on=today + timedelta(days=120),
        )
    for member in CIRCLE.get(key, []):
        member = dict(member)
        login = users.get(member.pop("login", ""))
        people_services.circle_member_create(person=person, by=manager, login=login, **member)
    for position, (kind, how, final) in enumerate(AGREEMENTS.get(key, [])):
        people_services.agreement_entry_create(
            person=person,
            by=manager,
            decision_kind=kind,
            how_involved=how,
            final_say=final,
            position=position,
        )
    if key in PROFILES:
        people_services.decision_profile_update(person=person, by=manager, **PROFILES[key])
    if key == "daniel":
        chart = [
            (
                "Staff say it's time to shower",
                "Rocks and says 'no, no'",
                "I'm not ready; I haven't eaten",
                "Offer breakfast first; come back to the shower later",
            ),
            (
                "Music is turned off",
                "Covers ears, goes to his room",
                "I need my music to feel calm",
                "Keep the music on; ask before changing it",
            ),
        ]
        for position, row in enumerate(chart):
            people_services.chart_entry_create(
                person=person,
                by=manager,
                happening=row[0],
                person_does=row[1],
                we_think=row[2],
                we_should=row[3],
                position=position,
            )
