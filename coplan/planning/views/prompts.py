"""Agenda prompt library: part of coplan.planning.views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.forms import form_errors_from
from coplan.planning import forms, selectors, services
from coplan.planning.models import (
    AgendaPrompt,
)


def _prompt_organisation(request: HttpRequest):
    services_allowed = list(access.services_for_user(request.user, Action.PLAN))
    if not services_allowed:
        raise PermissionDenied("Only team leaders and managers keep the prompt library.")
    return services_allowed[0].organisation


@login_required
def prompt_library(request: HttpRequest) -> HttpResponse:
    organisation = _prompt_organisation(request)
    form = forms.AgendaPromptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.prompt_create(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Prompt added to the library.")
            return redirect("planning:prompts")
    prompts = selectors.prompt_library(organisation, active_only=False)
    return render(
        request,
        "planning/prompt_library.html",
        {
            "organisation": organisation,
            "groups": selectors.prompts_by_domain(prompts),
            "form": form,
        },
    )


@login_required
def prompt_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _prompt_organisation(request)
    prompt = get_object_or_404(AgendaPrompt, pk=pk, organisation=organisation)
    form = forms.AgendaPromptForm(request.POST or None, instance=prompt)
    if request.method == "POST" and form.is_valid():
        try:
            services.prompt_update(prompt=prompt, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Prompt saved.")
            return redirect("planning:prompts")
    return render(request, "planning/prompt_form.html", {"form": form, "prompt": prompt})
