"""Forms of the easy-read stage."""

from __future__ import annotations

from django import forms

from coplan.pictures.widgets import PictureField

# The opt-in hook for the plain-language check (static/js/plain-check.js puts the result box
# after the field). Other stages' forms write these attributes out themselves: they sit
# below easyread in the layers and may not import it.
PLAIN_CHECK = {
    "data-plain-check": "",
    "hx-post": "/easy/check/",
    "hx-trigger": "keyup changed delay:600ms",
    "hx-target": "next .plain-check",
    "hx-swap": "innerHTML",
}


class EasyWordsForm(forms.Form):
    source = forms.CharField(max_length=300, widget=forms.HiddenInput)
    words = forms.CharField(
        label="Easy-read words",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, **PLAIN_CHECK}),
        help_text="Short sentences, as the person would say it. Leave empty to use the plan's words.",
    )
    picture = PictureField(max_length=60)
