"""Named inspector and commissioner access: a manager grants and ends it and sees what the
grantee opened; the grantee's own home lists the evidence they may read."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.models import InspectorGrant
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.assurance import inspectors
from coplan.lib.forms import DateInput, form_errors_from
from coplan.lib.input import query_int
from coplan.people.models import Person


class GrantForm(forms.Form):
    username = forms.CharField(
        label="Their Coplan username",
        max_length=150,
        help_text="The inspector's or commissioner's own account (your administrator makes it).",
    )
    kind = forms.ChoiceField(label="They are", choices=InspectorGrant.Kind.choices)
    grantee_organisation = forms.CharField(label="Their organisation", max_length=150)
    person = forms.ModelChoiceField(
        label="Only one person's evidence",
        queryset=Person.objects.none(),
        required=False,
        empty_label="No: the whole service",
    )
    consent = forms.CharField(
        label="The person's consent",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For one person: how and when they agreed.",
    )
    until = forms.DateField(label="Access until", widget=DateInput)
    reason = forms.CharField(label="Why they need access", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(service=service, is_active=True)

    def clean_username(self) -> User:
        account = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if account is None:
            raise ValidationError("No account has this username.")
        return account


@login_required
def service_inspectors(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access.get_service_for_user(access.user_of(request), service_id, Action.GRANT_ACCESS)
    grants = access.manageable_grants(access.user_of(request), service)
    form = GrantForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = inspectors.grant_create(
                by=access.user_of(request),
                service=service,
                grantee=data["username"],
                kind=data["kind"],
                grantee_organisation=data["grantee_organisation"],
                until=data["until"],
                reason=data["reason"],
                person=data["person"],
                consent=data["consent"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, f"{grant.grantee} can read this evidence until {grant.until:%d %B %Y}."
            )
            return redirect("assurance:service_inspectors", service_id=service.pk)
    return render(
        request,
        "assurance/inspectors.html",
        {"service": service, "grants": list(grants), "form": form},
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, service_id: int, grant_id: int) -> HttpResponse:
    service = access.get_service_for_user(access.user_of(request), service_id, Action.GRANT_ACCESS)
    grant = get_object_or_404(
        access.manageable_grants(access.user_of(request), service), pk=grant_id
    )
    inspectors.grant_revoke(grant=grant, by=access.user_of(request))
    messages.success(request, f"{grant.grantee}'s access has ended.")
    return redirect("assurance:service_inspectors", service_id=service.pk)


@login_required
def grant_reads(request: HttpRequest, service_id: int, grant_id: int) -> HttpResponse:
    """What the grantee opened, and when."""
    service = access.get_service_for_user(access.user_of(request), service_id, Action.GRANT_ACCESS)
    grant = get_object_or_404(
        access.manageable_grants(access.user_of(request), service), pk=grant_id
    )
    page = Paginator(inspectors.grantee_reads(grant), 50).get_page(
        query_int(request.GET.get("page"))
    )
    return render(
        request, "assurance/grant_reads.html", {"service": service, "grant": grant, "page": page}
    )


@login_required
def inspector_home(request: HttpRequest) -> HttpResponse:
    """An inspector's or commissioner's start: the evidence their grants open, until when."""
    grants = list(
        access.grants_in_force(access.user_of(request)).select_related("service", "person")
        if access.is_verified(access.user_of(request))
        else []
    )
    return render(request, "assurance/inspector_home.html", {"grants": grants})
