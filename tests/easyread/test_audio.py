"""The easy-read plan read aloud: a WAV made by espeak-ng whose length fits its words, one
timing a line for the highlight, cached by the words' hash, and a plain message (never a
500) when espeak-ng is missing."""

import io
import subprocess
import wave
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from coplan.access.models import AccessLog
from coplan.easyread import audio, selectors
from coplan.easyread.checker import words

pytestmark = pytest.mark.django_db

needs_espeak = pytest.mark.skipif(
    not Path("/usr/bin/espeak-ng").exists(), reason="espeak-ng is not installed"
)


@needs_espeak
def test_a_line_is_spoken_at_a_length_that_fits_its_words(audio_dir):
    text = "I have breakfast first. Then I have a warm shower."
    path = audio.line_wav(text)
    seconds = audio.wav_duration(path)
    count = len(words(text))
    assert 0.2 * count <= seconds <= 1.0 * count, (seconds, count)
    # Cached by the words: asked again, espeak-ng is not run again.
    with mock.patch.object(subprocess, "run") as run:
        assert audio.line_wav(text) == path
    run.assert_not_called()


@needs_espeak
def test_the_plan_plays_as_one_file_with_a_timing_for_each_line(world, sam_plan, audio_dir):
    client = world.client_for(world.person_user)
    response = client.get(reverse("easyread:plan_audio", args=[world.person.pk]))
    assert response.status_code == 200
    data = response.json()
    easy = selectors.plan_easy_read(world.person)
    assert len(data["lines"]) == len(easy.lines)
    starts = [t["start"] for t in data["lines"]]
    assert starts == sorted(starts) and starts[0] == 0.0
    for timing in data["lines"]:
        assert timing["end"] > timing["start"]

    before = AccessLog.objects.count()
    wav = client.get(data["url"])
    assert wav.status_code == 200 and wav["Content-Type"] == "audio/wav"
    assert AccessLog.objects.count() == before + 1
    body = b"".join(wav.streaming_content)
    with wave.open(io.BytesIO(body)) as w:
        seconds = w.getnframes() / w.getframerate()
    spoken_words = sum(len(words(line.spoken)) for line in easy.lines)
    gaps = audio.GAP_SECONDS * len(easy.lines)
    assert 0.2 * spoken_words <= seconds - gaps <= 1.0 * spoken_words
    assert abs(seconds - data["duration"] - audio.GAP_SECONDS) < 0.05


@needs_espeak
def test_an_old_or_someone_elses_audio_address_is_not_served(world, sam_plan, audio_dir):
    client = world.client_for(world.person_user)
    data = client.get(reverse("easyread:plan_audio", args=[world.person.pk])).json()
    key = data["url"].rsplit("/", 1)[1].removesuffix(".wav")
    other = reverse("easyread:plan_audio_wav", args=[world.person_b.pk, key])
    assert client.get(other).status_code == 404
    wrong = reverse("easyread:plan_audio_wav", args=[world.person.pk, "0" * 20])
    assert client.get(wrong).status_code == 404
    outsider = world.client_for(world.outsider)
    assert outsider.get(data["url"]).status_code == 404
    assert world.client_for(world.sister_user).get(data["url"]).status_code == 403


def test_without_espeak_the_page_says_so_and_offers_no_play_button(world, sam_plan, settings):
    settings.ESPEAK_NG = "/nowhere/espeak-ng"
    client = world.client_for(world.person_user)
    response = client.get(reverse("easyread:plan", args=[world.person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-easy-play" not in html
    assert "You cannot listen to this here yet." in html
    staff = world.client_for(world.team_leader).get(
        reverse("easyread:plan", args=[world.person.pk])
    )
    assert "espeak-ng is not installed" in staff.content.decode()
    api = client.get(reverse("easyread:plan_audio", args=[world.person.pk]))
    assert api.status_code == 503
    assert api.json()["code"] == "audio_unavailable"
