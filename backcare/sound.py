"""Short tones for the guided session, made in code as WAV bytes (standard library only).

The browser plays them (the kernel makes them once and sends them as data URLs): a single
beep when a step begins, a short tick for each of the last three seconds when no voice is
available, and a rising run of three notes, unlike any other, when the session is over.
Each tone is a sine wave with a short fade in and out, so it starts and ends without a click.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Sequence

__all__ = ["SAMPLE_RATE", "finish_chime", "step_beep", "tick_beep", "tone_wav"]

SAMPLE_RATE = 22_050
_FADE_SECONDS = 0.01


def tone_wav(
    notes: Sequence[tuple[float, float]],
    volume: float = 0.4,
    sample_rate: int = SAMPLE_RATE,
    padding_samples: int = 0,
) -> bytes:
    """A mono 16-bit WAV of ``notes``, each ``(frequency_hz, seconds)``, played in turn.

    ``padding_samples`` of silence are added at the end; a player that only replays a sound
    when its bytes change can be given two versions of the same tone this way.
    """
    if not 0 < volume <= 1:
        raise ValueError("volume must be above 0 and at most 1")
    if not notes:
        raise ValueError("a tone needs at least one note")
    frames = bytearray()
    amplitude = volume * 32767
    fade = max(1, int(_FADE_SECONDS * sample_rate))
    for frequency, seconds in notes:
        if frequency <= 0 or seconds <= 0:
            raise ValueError("each note needs a positive frequency and length")
        count = int(seconds * sample_rate)
        for n in range(count):
            envelope = min(1.0, n / fade, (count - 1 - n) / fade)
            sample = amplitude * envelope * math.sin(2 * math.pi * frequency * n / sample_rate)
            frames += struct.pack("<h", int(sample))
    frames += b"\x00\x00" * padding_samples
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def step_beep(variant: int = 0) -> bytes:
    """A short beep for a new step (``variant`` 0 or 1 differ by one silent sample)."""
    return tone_wav([(880.0, 0.18)], padding_samples=variant % 2)


def tick_beep() -> bytes:
    """A short, higher tick for the last seconds of a step (the fallback for "3, 2, 1")."""
    return tone_wav([(1320.0, 0.07)], volume=0.35)


def finish_chime(variant: int = 0) -> bytes:
    """Three rising notes for the end of the session."""
    return tone_wav([(523.0, 0.16), (659.0, 0.16), (1047.0, 0.36)], padding_samples=variant % 2)
