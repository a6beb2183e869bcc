"""Web pages for logins: a manager invites the person or someone in their circle (a link, a
QR code or an email), the invitee sets their password, and staff start or end a shared
tablet. The rules are in rules.py, the writes in invitations.py and tablet.py."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coplan.access import invitations, tablet
from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.lib.forms import form_errors_from
from coplan.people.models import Person

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
SHOWN = "invitation_links"  # session: invitation id -> the link shown to the manager who made it


class InviteForm(forms.Form):
    HOW = [
        ("qr", "Show a link and a QR code to scan now (on the person's tablet)"),
        ("email", "Send the link by email"),
    ]
    who = forms.ChoiceField(label="Who to invite", widget=forms.RadioSelect)
    how = forms.ChoiceField(label="How to give them the link", choices=HOW, initial="qr")
    email = forms.EmailField(label="Email address (to send by email)", required=False)

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        members = [m for m in person.circle.all() if m.is_active and not m.login_id]
        self.members = {str(m.pk): m for m in members}
        choices = [] if person.login_id else [("person", f"{person.called}, for their own space")]
        choices += [(pk, f"{m}") for pk, m in self.members.items()]
        cast(forms.ChoiceField, self.fields["who"]).choices = choices
        if len(choices) == 1:
            self.fields["who"].initial = choices[0][0]

    def clean(self):
        data = super().clean()
        if data.get("how") == "email" and not data.get("email"):
            member = self.members.get(data.get("who", ""))
            if member is not None and member.email:
                data["email"] = member.email
            else:
                self.add_error("email", "Give the email address to send the link to.")
        return data


class AcceptForm(forms.Form):
    username = forms.CharField(label="Choose a username", max_length=150)
    display_name = forms.CharField(label="Your name", max_length=150, required=False)
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password_again = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords are not the same.")
        return data


def _qr_svg(link: str) -> str:
    import segno

    return segno.make(link, error="m").svg_inline(scale=5, dark="#1b1f23", light="#ffffff")


@login_required
def invite_people(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's logins: who has one, the invitations made, and a new invitation."""
    person = access.get_person_for_user(
        request, person_id, Action.INVITE, what="Logins and invitations"
    )
    user = cast(User, request.user)
    form = InviteForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        member = form.members.get(form.cleaned_data["who"])
        try:
            made = invitations.invitation_create(person=person, by=user, circle_member=member)
            link = request.build_absolute_uri(reverse("invite_accept", args=[made.token]))
            if form.cleaned_data["how"] == "email":
                invitations.invitation_send(
                    invitation=made.invitation,
                    link=link,
                    email=form.cleaned_data["email"],
                    by=user,
                )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            # Shown on a page of its own (a reload shows the same link, it does not make a
            # new one): the link is kept in this manager's session while it still works.
            shown = request.session.get(SHOWN, {})
            shown[str(made.invitation.pk)] = {"link": link, "qr": form.cleaned_data["how"] == "qr"}
            request.session[SHOWN] = shown
            return redirect("invite_made", person_id=person.pk, invitation_id=made.invitation.pk)
    return render(
        request,
        "access/invite_people.html",
        {
            "person": person,
            "caps": access.capabilities(user, person),
            "form": form,
            "circle": list(person.circle.all()),
            "invitations": invitations.invitations_for(person),
            "may_start_tablet": access.may_start_tablet(user, person),
        },
    )


@login_required
def invite_made(request: HttpRequest, person_id: int, invitation_id: int) -> HttpResponse:
    """The invitation just made: its link and QR code, for as long as it works, on the
    device of the manager who made it (nowhere else: only a digest of the token is stored
    with the invitation)."""
    person = access.get_person_for_user(request, person_id, Action.INVITE, what="Invitation made")
    invitation = invitations.invitation_of(person, invitation_id)
    shown = request.session.get(SHOWN, {})
    kept = shown.get(str(invitation.pk))
    if kept is not None and invitation.status != "open":
        del shown[str(invitation.pk)]
        request.session[SHOWN] = shown
        kept = None
    link = kept["link"] if kept else ""
    return render(
        request,
        "access/invite_made.html",
        {
            "person": person,
            "invitation": invitation,
            "link": link,
            "qr": _qr_svg(link) if kept and kept["qr"] else "",
        },
    )


def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee chooses a username and password, and lands in their own space."""
    invitation = invitations.invitation_for_token(token)
    if invitation is None:
        return render(request, "access/invite_invalid.html", status=410)
    form = AcceptForm(request.POST or None, initial={"display_name": invitation.invitee_name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitations.invitation_accept(
                token=token,
                username=data["username"],
                password=data["password"],
                display_name=data.get("display_name", ""),
            )
        except PermissionDenied:
            return render(request, "access/invite_invalid.html", status=410)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, "Welcome. Your login is ready.")
            return redirect("home")
    return render(request, "access/invite_accept.html", {"invitation": invitation, "form": form})


@login_required
@require_POST
def tablet_start(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.CHECK_IN, log=False)
    tablet.tablet_start(request, person)
    return redirect(tablet.SPACE_HOME)


@require_POST
def tablet_end(request: HttpRequest) -> HttpResponse:
    tablet.tablet_end(request)
    return redirect("login")
