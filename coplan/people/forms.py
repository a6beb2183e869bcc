from django import forms

from coplan.accounts.models import Membership, User
from coplan.lib.forms import DateInput, VersionedForm
from coplan.people.models import (
    CircleMember,
    CommunicationChartEntry,
    CommunicationNeed,
    DecisionAgreementEntry,
    DecisionMakingProfile,
    Person,
)

PERSON_FIELDSETS = [
    (
        "Details",
        [
            "given_name",
            "family_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "service",
            "key_worker",
            "strengths",
        ],
    ),
    (
        "About me",
        [
            "most_important",
            "important_people",
            "how_i_communicate",
            "wellness",
            "please_do",
            "please_do_not",
            "how_and_when_to_support",
            "also_worth_knowing",
            "supported_to_write_by",
            "about_me_updated_on",
        ],
    ),
    ("One-page profile", ["like_and_admire", "how_best_to_support"]),
    ("Important to me, important for me", ["important_to", "important_for", "balance"]),
    ("Good day, bad day", ["good_day", "bad_day", "sensory_triggers", "distress_triggers"]),
]


class PersonForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Person
        fields = [name for _, names in PERSON_FIELDSETS for name in names]
        widgets = {
            "date_of_birth": DateInput(),
            "about_me_updated_on": DateInput(),
        }

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].empty_label = None
        self.fields["key_worker"].queryset = (
            User.objects.filter(
                memberships__service__in=services,
                memberships__role__in=[
                    Membership.Role.SUPPORT_WORKER,
                    Membership.Role.TEAM_LEADER,
                    Membership.Role.MANAGER,
                ],
            )
            .distinct()
            .order_by("display_name")
        )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def fieldsets(self):
        for legend, names in PERSON_FIELDSETS:
            yield legend, [self[name] for name in names]


class CommunicationNeedForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = CommunicationNeed
        fields = [
            "category",
            "information_format",
            "need",
            "how_to_meet",
            "identified_on",
            "review_on",
            "share_with_partners",
            "is_active",
        ]
        widgets = {"identified_on": DateInput(), "review_on": DateInput()}
        labels = {"is_active": "This need is current"}


class ChartEntryForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = CommunicationChartEntry
        fields = ["happening", "person_does", "we_think", "we_should", "position"]


class DecisionProfileForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = DecisionMakingProfile
        fields = [
            "how_i_like_information",
            "choices_at_once",
            "presentation",
            "ways_to_help_understand",
            "best_time",
            "bad_time",
        ]


class AgreementEntryForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = DecisionAgreementEntry
        fields = ["decision_kind", "how_involved", "final_say", "position"]
        widgets = {"how_involved": forms.Textarea(attrs={"rows": 3})}


class CircleMemberForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = CircleMember
        fields = [
            "name",
            "relationship_type",
            "relationship",
            "phone",
            "email",
            "may_see_profile",
            "may_see_plan",
            "may_see_records",
            "may_see_reviews",
            "consent_basis",
            "consent_note",
            "consent_recorded_on",
            "is_active",
        ]
        widgets = {
            "consent_recorded_on": DateInput(),
            "consent_note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"is_active": "Still part of the circle"}
