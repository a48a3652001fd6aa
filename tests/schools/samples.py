"""Real recordings for the upload tests (RELIABILITY A5).

The files in recordings/ were made once with
`ffmpeg -f lavfi -i sine=frequency=440:duration=0.4:sample_rate=8000 -ac 1 -map_metadata -1`
and the encoders libmp3lame, aac, libvorbis and libopus (tone-recorder.webm with `-live 1`,
as a phone's browser records). The WAV is made here with the wave module.
"""

import io
import math
import struct
import wave
from pathlib import Path

RECORDINGS = Path(__file__).parent / "recordings"


def wav_tone(seconds=0.3, rate=8000) -> bytes:
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
        for n in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def browser_recording() -> bytes:
    # What MediaRecorder writes: the segment and its clusters have no size (still recording).
    data = (RECORDINGS / "tone-recorder.webm").read_bytes()
    cluster = b"\x1f\x43\xb6\x75"
    sized = data.index(cluster) + len(cluster)
    assert data[sized] == 0x42  # a two-byte size
    return data[:sized] + b"\x01\xff\xff\xff\xff\xff\xff\xff" + data[sized + 2 :]


# kind: (content, stored extension, content type)
REAL = {
    "wav": (wav_tone(), "wav", "audio/wav"),
    "mp3": ((RECORDINGS / "tone.mp3").read_bytes(), "mp3", "audio/mpeg"),
    "m4a": ((RECORDINGS / "tone.m4a").read_bytes(), "m4a", "audio/mp4"),
    "ogg-vorbis": ((RECORDINGS / "tone.ogg").read_bytes(), "ogg", "audio/ogg"),
    "ogg-opus": ((RECORDINGS / "tone.opus").read_bytes(), "opus", "audio/ogg"),
    "webm": ((RECORDINGS / "tone.webm").read_bytes(), "webm", "audio/webm"),
    "webm-from-a-browser": (browser_recording(), "webm", "audio/webm"),
}
