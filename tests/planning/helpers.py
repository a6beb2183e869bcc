"""Building form posts with inline rows, the way the browser sends them."""


def formset(prefix: str, rows: list[dict], initial: int | None = None) -> dict[str, str]:
    """Rows with an `id` are the saved rows the page showed first (the formset's initial
    forms), as in the browser."""
    if initial is None:
        initial = sum(1 for row in rows if row.get("id"))
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is False or value is None:
                continue
            data[f"{prefix}-{i}-{key}"] = str(value)
    return data


def decision_post(**overrides) -> dict[str, str]:
    data = {
        "domain": "support",
        "question": "How should Sam's evenings go?",
        "what_matters": "Quiet time.",
        "agreed": "Tea at six, then music.",
        "reason": "Sam chose it.",
        "persons_words": "Music please.",
        "capacity": "assumed",
        "review_by": "2030-01-31",
        "version": "1",  # the version of the draft the form showed (ignored when adding)
    }
    options = overrides.pop(
        "options",
        [
            {
                "label": "Tea at six, then music",
                "proposed_by": "Sam",
                "is_workable": True,
                "is_chosen": True,
            },
            {"label": "Music first", "proposed_by": "Staff", "is_workable": True},
        ],
    )
    participants = overrides.pop(
        "participants",
        [
            {"kind": "person", "name": "Sam", "how": "pictures"},
            {"kind": "staff", "name": "Tariq", "how": "in_person"},
        ],
    )
    data.update(overrides)
    data.update(formset("options", options))
    data.update(formset("participants", participants))
    return data
