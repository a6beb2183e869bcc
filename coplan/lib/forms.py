"""Form helpers shared by every stage: date inputs, and a service's refusal on the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def form_errors_from(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, against the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


VERSION_MISSING = (
    "This page did not say which version of the record it showed. Reload it and make the "
    "change again."
)


class VersionedForm:
    """A form mixin that carries, hidden, the version of the record the form was drawn
    from, so the service can refuse a change based on a version someone else has since
    replaced. Put it before the form's base class; pass `version=` to a form without a
    model instance."""

    fields: dict
    initial: dict
    cleaned_data: dict

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = instance.version
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=version is not None,
            min_value=1,
            error_messages={"required": VERSION_MISSING},
        )
        if version is not None:
            self.initial["version"] = version
        self.stale = None

    @property
    def based_on(self) -> int | None:
        return self.cleaned_data.get("version")

    def record_fields(self) -> dict:
        """The cleaned data for the service, without the version."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def show_stale(form: forms.BaseForm, exc) -> None:
    """Show a StaleVersion on the form: who changed the record and when, their values beside
    yours (the template's version_conflict include), and the version now stored, so saving
    again is a deliberate choice made after seeing theirs."""
    form.add_error(None, exc.message)
    data = form.data.copy()
    data[form.add_prefix("version")] = str(exc.current_version)
    form.data = data
    form.stale = exc
