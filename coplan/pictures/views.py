"""The pictures' web pages and files. Pictograms are static files (pictures/middleware.py);
a provider's own
images only to those who work with or are supported by that provider; a person's photos
only to those the access rules let see them (Action.VIEW_PHOTOS), through these views and
never as public media."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.pictures import selectors, services
from coplan.pictures.forms import LibraryImageForm, PersonPhotoForm
from coplan.pictures.models import PersonPhoto


def _file(field: FieldFile) -> FileResponse:
    kind = mimetypes.guess_type(field.name or "")[0] or "application/octet-stream"
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("No such picture.") from None
    # Marked no-store, as every response to a signed-in user is (accounts.middleware).
    return FileResponse(handle, content_type=kind)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Found pictures as tappable buttons, for the picker (htmx)."""
    if not access.is_staff_member(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("Only staff choose pictures for a plan.")
    q = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("_q")), "")
    target = request.GET.get("for", "")
    if not target.replace("-", "").replace("_", "").isalnum():
        target = ""
    results = selectors.search(request.user, q)  # type: ignore[arg-type]
    return render(request, "pictures/_results.html", {"results": results, "q": q, "target": target})


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """The provider's own pictures: those who plan may add and remove them."""
    planner_orgs = sorted(selectors.organisation_ids(request.user, Action.PLAN))  # type: ignore[arg-type]
    if not planner_orgs and not access.is_staff_member(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("Only staff use the picture library.")
    form = LibraryImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not planner_orgs:
            raise PermissionDenied("Only those who plan add pictures to the library.")
        if form.is_valid():
            item = services.library_image_add(
                organisation_id=planner_orgs[0],
                label=form.cleaned_data["label"],
                words=form.cleaned_data["words"],
                image=form.cleaned_data["image"],
                by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, f"“{item.label}” added to the picture library.")
            return redirect("pictures:library")
    items = selectors.library_for_user(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "pictures/library.html",
        {"items": items, "form": form, "may_add": bool(planner_orgs)},
    )


@login_required
@require_POST
def library_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.library_for_user(request.user, Action.PLAN), pk=pk)  # type: ignore[arg-type]
    services.library_image_remove(item=item)
    messages.success(request, f"“{item.label}” removed from the picture library.")
    return redirect("pictures:library")


@login_required
@require_GET
def library_file(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(selectors.library_for_user(request.user), pk=pk)  # type: ignore[arg-type]
    return _file(item.image)


@login_required
def person_photos(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's own photos; staff who may change the profile add them and say which
    picture each one replaces."""
    action = Action.EDIT_PROFILE if request.method == "POST" else Action.VIEW_PHOTOS
    person = access.get_person_for_user(request, person_id, action, what="Photos")
    caps = access.capabilities(request.user, person)  # type: ignore[arg-type]
    may_add = Action.EDIT_PROFILE in caps
    form = PersonPhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        photo = services.person_photo_add(
            person=person,
            label=form.cleaned_data["label"],
            image=form.cleaned_data["image"],
            stands_for=form.cleaned_data["stands_for"],
            by=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, f"Photo “{photo.label}” added for {person.called}.")
        return redirect("pictures:person_photos", person_id=person.pk)
    return render(
        request,
        "pictures/person_photos.html",
        {
            "person": person,
            "photos": selectors.photos_of(person),
            "form": form,
            "may_add": may_add,
            "caps": caps,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_photo_remove(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    """Asks first (a photo is part of the person's record, and one tap must not lose it),
    then removes it."""
    photo = access.get_object_for_user(
        request, PersonPhoto, pk, Action.EDIT_PROFILE, person_id=person_id
    )
    if request.method == "GET":
        return render(
            request, "pictures/person_photo_remove.html", {"person": photo.person, "photo": photo}
        )
    services.person_photo_remove(photo=photo)
    messages.success(request, f"Photo “{photo.label}” removed.")
    return redirect("pictures:person_photos", person_id=person_id)


@login_required
@require_GET
def photo_file(request: HttpRequest, pk: int) -> FileResponse:
    photo = access.get_object_for_user(request, PersonPhoto, pk, Action.VIEW_PHOTOS)
    return _file(photo.image)
