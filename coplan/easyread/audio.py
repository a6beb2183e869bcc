"""The easy-read plan read aloud by espeak-ng.

Each line is spoken into its own WAV, cached under EASYREAD_AUDIO_DIR by the hash of its
words (a line read once is never read again), and the lines are joined into one file for
the plan with each line's start and end, so the browser can highlight the line being read.
The joined file is cached by the hash of all its lines. If espeak-ng is not installed the
pages say so and offer no play button (`available()`)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from coplan.easyread.selectors import EasyRead

VOICE = "en-gb"
WORDS_PER_MINUTE = 140  # a little slower than espeak's 175: easier to follow
GAP_SECONDS = 0.5  # silence between lines
TIMEOUT_SECONDS = 20


class AudioUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Spoken:
    path: Path
    timings: list[dict]  # [{"start": 0.0, "end": 1.2}, ...], one a line

    @property
    def duration(self) -> float:
        return self.timings[-1]["end"] if self.timings else 0.0


def espeak_path() -> str:
    return str(settings.ESPEAK_NG)


def available() -> bool:
    path = espeak_path()
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _dir() -> Path:
    path = Path(settings.EASYREAD_AUDIO_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_atomically(target: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def line_wav(text: str) -> Path:
    """One line spoken, cached by the hash of its words."""
    if not available():
        raise AudioUnavailable("espeak-ng is not installed on this server.")
    key = hashlib.sha256(f"{VOICE}|{WORDS_PER_MINUTE}|{text}".encode()).hexdigest()[:24]
    target = _dir() / "lines" / f"{key}.wav"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)

    def speak(tmp: Path) -> None:
        # The words go in on stdin, never on the command line: a line starting with "-"
        # is not an option.
        subprocess.run(  # noqa: S603 (a fixed program; the words go on stdin)
            [espeak_path(), "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-w", str(tmp), "--stdin"],
            input=text.encode(),
            check=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )

    _write_atomically(target, speak)
    return target


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def plan_audio(easy: EasyRead) -> Spoken:
    """The whole easy read spoken, one line after another, with each line's timing."""
    target = _dir() / f"plan-{easy.key}.wav"
    timing_file = target.with_suffix(".json")
    if target.exists() and timing_file.exists():
        return Spoken(target, json.loads(timing_file.read_text()))
    parts = [line_wav(line.spoken) for line in easy.lines]
    timings: list[dict] = []

    def join(tmp: Path) -> None:
        params = None
        at = 0.0
        with wave.open(str(tmp), "wb") as out:
            for part in parts:
                with wave.open(str(part), "rb") as w:
                    if params is None:
                        params = w.getparams()
                        out.setparams(params)
                        gap = b"\0" * int(params.framerate * GAP_SECONDS) * params.sampwidth
                    frames = w.readframes(w.getnframes())
                    seconds = w.getnframes() / float(w.getframerate())
                out.writeframes(frames)
                timings.append({"start": round(at, 3), "end": round(at + seconds, 3)})
                at += seconds
                out.writeframes(gap)
                at += GAP_SECONDS

    _write_atomically(target, join)
    timing_file.write_text(json.dumps(timings))
    return Spoken(target, timings)
