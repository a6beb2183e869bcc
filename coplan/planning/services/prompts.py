"""Agenda prompt library: part of coplan.planning.services."""

from __future__ import annotations

from typing import Unpack

from django.db import transaction

from coplan.accounts.models import Organisation, User
from coplan.lib.services import apply_and_save
from coplan.planning.models import (
    AgendaPrompt,
)
from coplan.planning.services.common import DEFAULT_PROMPTS, PROMPT_FIELDS, PromptFields, _only


@transaction.atomic
def prompt_create(
    *, organisation: Organisation, by: User, **fields: Unpack[PromptFields]
) -> AgendaPrompt:
    _only(fields, PROMPT_FIELDS, "An agenda prompt")
    return apply_and_save(AgendaPrompt(organisation=organisation), dict(fields))


@transaction.atomic
def prompt_update(
    *, prompt: AgendaPrompt, by: User, **fields: Unpack[PromptFields]
) -> AgendaPrompt:
    _only(fields, PROMPT_FIELDS, "An agenda prompt")
    return apply_and_save(prompt, dict(fields))


@transaction.atomic
def prompt_library_seed_defaults(*, organisation: Organisation) -> int:
    """Add the default prompts the organisation does not have yet. Returns how many."""
    have = set(AgendaPrompt.objects.filter(organisation=organisation).values_list("domain", "text"))
    added = 0
    for domain, texts in DEFAULT_PROMPTS.items():
        for position, text in enumerate(texts):
            if (str(domain), text) in have:
                continue
            AgendaPrompt.objects.create(
                organisation=organisation, domain=domain, text=text, position=position
            )
            added += 1
    return added
