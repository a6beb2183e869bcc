from datetime import date
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, ModelSchema, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.services import version_sent
from coplan.people import selectors, services
from coplan.people.models import CircleMember, CommunicationNeed, Person

router = Router(tags=["people"])


class CommunicationNeedOut(ModelSchema):
    uid: UUID
    category_label: str = Field(alias="get_category_display")

    class Meta:
        model = CommunicationNeed
        fields = [
            "id",
            "version",
            "category",
            "information_format",
            "need",
            "how_to_meet",
            "identified_on",
            "review_on",
            "share_with_partners",
            "is_active",
        ]


class CommunicationNeedIn(Schema):
    category: CommunicationNeed.Category
    information_format: CommunicationNeed.Format | None = None
    need: str = Field(max_length=300)
    how_to_meet: str = ""
    identified_on: date | None = None
    review_on: date
    share_with_partners: bool = True
    is_active: bool = True


class CommunicationNeedPatch(Schema):
    version: int | None = Field(
        None, ge=1, description="The version this change is based on (or send If-Match)."
    )
    category: CommunicationNeed.Category | None = None
    information_format: CommunicationNeed.Format | None = None
    need: str | None = Field(None, max_length=300)
    how_to_meet: str | None = None
    identified_on: date | None = None
    review_on: date | None = None
    share_with_partners: bool | None = None
    is_active: bool | None = None


PERSON_TEXT_FIELDS = [
    "preferred_name",
    "pronouns",
    "strengths",
    "most_important",
    "important_people",
    "how_i_communicate",
    "wellness",
    "please_do",
    "please_do_not",
    "how_and_when_to_support",
    "also_worth_knowing",
    "supported_to_write_by",
    "like_and_admire",
    "how_best_to_support",
    "important_to",
    "important_for",
    "balance",
    "sensory_triggers",
    "distress_triggers",
    "good_day",
    "bad_day",
]


class PersonSummaryOut(Schema):
    id: int
    uid: UUID
    version: int
    display_name: str
    given_name: str
    family_name: str
    preferred_name: str
    service_id: int
    service: str = Field(alias="service.name")
    communication_flags: list[str]

    @staticmethod
    def resolve_communication_flags(obj: Person) -> list[str]:
        return [n.need for n in getattr(obj, "active_needs", [])]


class PersonOut(ModelSchema):
    uid: UUID
    display_name: str
    service: str = Field(alias="service.name")
    communication_needs: list[CommunicationNeedOut] = Field(alias="active_needs")

    class Meta:
        model = Person
        fields = [
            "id",
            "version",
            "given_name",
            "family_name",
            "date_of_birth",
            "key_worker",
            "about_me_updated_on",
            *PERSON_TEXT_FIELDS,
        ]
        fields_optional = "__all__"


class PersonIn(Schema):
    service_id: int
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: date | None = None
    about_me_updated_on: date | None = None
    preferred_name: str = Field("", max_length=100)
    pronouns: str = Field("", max_length=40)
    supported_to_write_by: str = Field("", max_length=200)
    strengths: str = ""
    most_important: str = ""
    important_people: str = ""
    how_i_communicate: str = ""
    wellness: str = ""
    please_do: str = ""
    please_do_not: str = ""
    how_and_when_to_support: str = ""
    also_worth_knowing: str = ""
    like_and_admire: str = ""
    how_best_to_support: str = ""
    important_to: str = ""
    important_for: str = ""
    balance: str = ""
    sensory_triggers: str = ""
    distress_triggers: str = ""
    good_day: str = ""
    bad_day: str = ""


class PersonPatch(Schema):
    version: int | None = Field(
        None, ge=1, description="The version this change is based on (or send If-Match)."
    )
    given_name: str | None = Field(None, min_length=1, max_length=100)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    date_of_birth: date | None = None
    about_me_updated_on: date | None = None
    preferred_name: str | None = Field(None, max_length=100)
    pronouns: str | None = Field(None, max_length=40)
    supported_to_write_by: str | None = Field(None, max_length=200)
    strengths: str | None = None
    most_important: str | None = None
    important_people: str | None = None
    how_i_communicate: str | None = None
    wellness: str | None = None
    please_do: str | None = None
    please_do_not: str | None = None
    how_and_when_to_support: str | None = None
    also_worth_knowing: str | None = None
    like_and_admire: str | None = None
    how_best_to_support: str | None = None
    important_to: str | None = None
    important_for: str | None = None
    balance: str | None = None
    sensory_triggers: str | None = None
    distress_triggers: str | None = None
    good_day: str | None = None
    bad_day: str | None = None


class CircleMemberOut(ModelSchema):
    uid: UUID

    class Meta:
        model = CircleMember
        fields = [
            "id",
            "version",
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


class CircleMemberIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    relationship_type: CircleMember.Relationship
    relationship: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    may_see_profile: bool = True
    may_see_plan: bool = False
    may_see_records: bool = False
    may_see_reviews: bool = False
    consent_basis: CircleMember.ConsentBasis = CircleMember.ConsentBasis.PERSON
    consent_note: str = ""
    consent_recorded_on: date | None = None
    is_active: bool = True


class CircleMemberPatch(Schema):
    version: int | None = Field(
        None, ge=1, description="The version this change is based on (or send If-Match)."
    )
    name: str | None = Field(None, min_length=1, max_length=150)
    relationship_type: CircleMember.Relationship | None = None
    relationship: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    may_see_profile: bool | None = None
    may_see_plan: bool | None = None
    may_see_records: bool | None = None
    may_see_reviews: bool | None = None
    consent_basis: CircleMember.ConsentBasis | None = None
    consent_note: str | None = None
    consent_recorded_on: date | None = None
    is_active: bool | None = None


def _given(payload: Schema) -> dict:
    """Fields the caller sent, without nulls for fields that cannot be empty."""
    data = payload.dict(exclude_unset=True)
    return {k: ("" if v is None and k == "information_format" else v) for k, v in data.items()}


def _based_on(request: HttpRequest, data: dict) -> int:
    return version_sent(body=data.pop("version", None), if_match=request.headers.get("If-Match"))


@router.get("/", response=list[PersonSummaryOut])
@paginate(PageNumberPagination)
def list_people(request: HttpRequest, q: str = ""):
    """People whose records you may see."""
    return selectors.people_list(access.people_for_user(request.user), q[:100])


@router.post("/", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn):
    data = _given(payload)
    service = access.get_service_for_user(request.user, data.pop("service_id"), Action.EDIT_PROFILE)
    person = services.person_create(service=service, by=request.user, **data)
    return Status(201, selectors.person_page(person.pk))


@router.get("/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int):
    return access.get_person_for_user(
        request, person_id, Action.VIEW_PROFILE, queryset=selectors.people_for_page()
    )


@router.patch("/{person_id}", response=PersonOut)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch):
    person = access.get_person_for_user(request, person_id, Action.EDIT_PROFILE)
    data = _given(payload)
    services.person_update(
        person=person, by=request.user, based_on=_based_on(request, data), **data
    )
    return selectors.person_page(person_id)


@router.get("/{person_id}/communication-needs", response=list[CommunicationNeedOut])
def list_needs(request: HttpRequest, person_id: int, include_inactive: bool = False):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_PROFILE, what="Communication needs"
    )
    needs = person.communication_needs.all()
    return needs if include_inactive else needs.filter(is_active=True)


@router.post("/{person_id}/communication-needs", response={201: CommunicationNeedOut})
def create_need(request: HttpRequest, person_id: int, payload: CommunicationNeedIn):
    person = access.get_person_for_user(request, person_id, Action.EDIT_PROFILE)
    data = _given(payload)
    if data.get("identified_on") is None:
        data.pop("identified_on", None)
    return Status(201, services.communication_need_create(person=person, by=request.user, **data))


@router.patch("/{person_id}/communication-needs/{need_id}", response=CommunicationNeedOut)
def update_need(
    request: HttpRequest, person_id: int, need_id: int, payload: CommunicationNeedPatch
):
    need = access.get_object_for_user(
        request, CommunicationNeed, need_id, Action.EDIT_PROFILE, person_id=person_id
    )
    data = _given(payload)
    return services.communication_need_update(
        communication_need=need, by=request.user, based_on=_based_on(request, data), **data
    )


@router.get("/{person_id}/circle", response=list[CircleMemberOut])
def list_circle(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_PROFILE, what="Circle of support"
    )
    return person.circle.all()


@router.post("/{person_id}/circle", response={201: CircleMemberOut})
def create_circle_member(request: HttpRequest, person_id: int, payload: CircleMemberIn):
    person = access.get_person_for_user(request, person_id, Action.EDIT_PROFILE)
    data = _given(payload)
    if data.get("consent_recorded_on") is None:
        data.pop("consent_recorded_on", None)
    return Status(201, services.circle_member_create(person=person, by=request.user, **data))


@router.patch("/{person_id}/circle/{member_id}", response=CircleMemberOut)
def update_circle_member(
    request: HttpRequest, person_id: int, member_id: int, payload: CircleMemberPatch
):
    member = access.get_object_for_user(
        request, CircleMember, member_id, Action.EDIT_PROFILE, person_id=person_id
    )
    data = _given(payload)
    return services.circle_member_update(
        member=member, by=request.user, based_on=_based_on(request, data), **data
    )
