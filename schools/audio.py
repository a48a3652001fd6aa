"""What kind of recording an upload really is (RELIABILITY A5).

The whole file is parsed as the container its first bytes announce; the kind found (never the
uploaded name) gives the stored extension, and portal.media.AUDIO_TYPES gives the content
type it is served with. Anything else is not a recording.
"""

import io
import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models.fields.files import FieldFile
from mutagen import MutagenError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from portal.media import AUDIO_TYPES

log = logging.getLogger("schools.audio")


def recording_kind(upload) -> str | None:
    """The extension for this recording ("wav", "mp3", "m4a", "ogg", "opus", "webm"), or
    None when the file is not a sound recording we can play back to families."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    data = upload.read()
    upload.seek(position)
    try:
        kind = _parse(data)
    except (MutagenError, ValueError, IndexError, KeyError, OverflowError):
        # A file that breaks the parser is not one we want to hand to families' phones.
        return None
    return kind if kind in AUDIO_TYPES else None


def _parse(data: bytes) -> str | None:
    # Each container must both satisfy mutagen and account for every byte of the file, so
    # a page or script cannot ride along behind (or inside) a real recording.
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav" if _riff_covers(data) and _has_sound(WAVE(io.BytesIO(data))) else None
    if data[4:8] == b"ftyp":
        return "m4a" if _atoms_cover(data) and _has_sound(MP4(io.BytesIO(data))) else None
    if data[:4] == b"OggS":
        if not _ogg_pages_cover(data):
            return None
        for parser, kind in ((OggOpus, "opus"), (OggVorbis, "ogg")):
            try:
                return kind if _has_sound(parser(io.BytesIO(data))) else None
            except MutagenError:
                continue
        return None
    if data[:4] == EBML_MAGIC:
        return "webm" if _is_webm_audio(data) else None
    if data[:3] == b"ID3" or _mp3_frame_length(data, 0):
        return "mp3" if _mp3_frames_cover(data) and _has_sound(MP3(io.BytesIO(data))) else None
    return None


def _has_sound(parsed) -> bool:
    return parsed.info is not None and parsed.info.length > 0


def _riff_covers(data: bytes) -> bool:
    size = int.from_bytes(data[4:8], "little")
    return len(data) - (8 + size) in (0, 1)  # a writer may add one byte of padding


def _atoms_cover(data: bytes) -> bool:
    position = 0
    while position < len(data):
        size = int.from_bytes(data[position : position + 4], "big")
        if size == 1:
            size = int.from_bytes(data[position + 8 : position + 16], "big")
        elif size == 0:
            size = len(data) - position  # "to the end of the file"
        if size < 8 or position + size > len(data):
            return False
        position += size
    return position == len(data)


def _ogg_pages_cover(data: bytes) -> bool:
    position = 0
    while position < len(data):
        if data[position : position + 4] != b"OggS" or position + 27 > len(data):
            return False
        segments = data[position + 26]
        table = data[position + 27 : position + 27 + segments]
        if len(table) != segments:
            return False
        position += 27 + segments + sum(table)
    return position == len(data)


# MPEG audio layer III bitrates (kbit/s) and sample rates, by the header's version bits.
MP3_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    0: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
MP3_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(data: bytes, position: int) -> int:
    """The length of the layer III frame starting here, or 0 when none starts here."""
    header = data[position : position + 4]
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, rate, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version not in MP3_BITRATES or layer != 1 or bitrate in (0, 15) or rate == 3:
        return 0
    per_frame = 144 if version == 3 else 72
    return per_frame * MP3_BITRATES[version][bitrate] * 1000 // MP3_SAMPLE_RATES[version][rate] + (
        padding
    )


def _mp3_frames_cover(data: bytes) -> bool:
    position, end = 0, len(data)
    while data[position : position + 3] == b"ID3" and position + 10 <= end:
        size = 0
        for byte in data[position + 6 : position + 10]:
            size = size << 7 | (byte & 0x7F)
        position += 10 + size + (10 if data[position + 5] & 0x10 else 0)
    while position < end and data[position] == 0:
        position += 1  # padding after the tag
    if end - 128 >= position and data[end - 128 : end - 125] == b"TAG":
        end -= 128
    if end - 32 >= position and data[end - 32 : end - 24] == b"APETAGEX":
        flags = int.from_bytes(data[end - 12 : end - 8], "little")
        end -= int.from_bytes(data[end - 20 : end - 16], "little") + (32 if flags >> 31 else 0)
    frames = 0
    while position < end:
        length = _mp3_frame_length(data, position)
        if not length:
            return False
        frames += 1
        if position + length > end:
            break  # recorders often cut the last frame short
        position += length
    return frames > 0


# WebM (Matroska) is not a format mutagen reads: walk its EBML elements to the end of the file.
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
DOC_TYPE = 0x4282
SEGMENT = 0x18538067
CLUSTER = 0x1F43B675
TRACKS = 0x1654AE6B
TRACK_ENTRY = 0xAE
TRACK_TYPE = 0x83
CODEC_ID = 0x86
AUDIO_TRACK = 2
BROWSER_AUDIO_CODECS = {b"A_OPUS", b"A_VORBIS"}
VOID, CRC32 = 0xEC, 0xBF
# SeekHead, Info, Tracks, Cluster, Cues, Tags, Chapters, Attachments.
SEGMENT_CHILDREN = {
    0x114D9B74,
    0x1549A966,
    TRACKS,
    CLUSTER,
    0x1C53BB6B,
    0x1254C367,
    0x1043A770,
    0x1941A469,
    VOID,
    CRC32,
}
# Timestamp, SimpleBlock, BlockGroup, Position, PrevSize, SilentTracks: what a cluster holds.
CLUSTER_CHILDREN = {0xE7, 0xA3, 0xA0, 0xA7, 0xAB, 0x5854, VOID, CRC32}
BLOCKS = {0xA3, 0xA0}


def _vint(data: bytes, position: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-length integer: (value, its length in bytes, is it "unknown")."""
    first = data[position]
    length = 9 - first.bit_length()
    if first == 0 or position + length > len(data):
        raise ValueError("bad EBML number")
    value = int.from_bytes(data[position : position + length], "big")
    if keep_marker:
        return value, length, False
    value &= (1 << (7 * length)) - 1
    return value, length, value == (1 << (7 * length)) - 1


def _element(data: bytes, position: int) -> tuple[int, int, int | None]:
    """(id, where its content starts, its size or None when unknown)."""
    element_id, id_length, _ = _vint(data, position, keep_marker=True)
    if id_length > 4:
        raise ValueError("bad EBML id")
    size, size_length, unknown = _vint(data, position + id_length, keep_marker=False)
    start = position + id_length + size_length
    return element_id, start, None if unknown else size


def _children(data: bytes, start: int, end: int):
    position = start
    while position < end:
        element_id, content, size = _element(data, position)
        if size is None or content + size > end:
            raise ValueError("child runs past its parent")
        yield element_id, data[content : content + size]
        position = content + size


def _is_webm_audio(data: bytes) -> bool:
    header_id, content, size = _element(data, 0)
    if header_id != int.from_bytes(EBML_MAGIC, "big") or size is None:
        raise ValueError("no EBML header")
    doc_types = [
        value for key, value in _children(data, content, content + size) if key == DOC_TYPE
    ]
    if doc_types != [b"webm"]:
        return False
    segment_id, position, segment_size = _element(data, content + size)
    if segment_id != SEGMENT:
        return False
    end = len(data) if segment_size is None else position + segment_size
    if end != len(data):
        return False  # cut short, or something hidden after the recording
    tracks, blocks, in_cluster = [], 0, False
    while position < end:
        element_id, content, size = _element(data, position)
        if element_id in SEGMENT_CHILDREN:
            if element_id not in (VOID, CRC32):
                in_cluster = False
        elif not (in_cluster and element_id in CLUSTER_CHILDREN):
            return False
        if size is None:
            # Recorders that stream (phones, browsers) leave clusters open-ended.
            if element_id != CLUSTER:
                return False
            in_cluster, position = True, content
            continue
        if content + size > end:
            return False
        if element_id == TRACKS:
            for key, entry in _children(data, content, content + size):
                if key == TRACK_ENTRY:
                    tracks.append(dict(_children(entry, 0, len(entry))))
        elif element_id == CLUSTER:
            blocks += sum(1 for key, _ in _children(data, content, content + size) if key in BLOCKS)
        elif element_id in BLOCKS:
            blocks += 1
        position = content + size
    return (
        bool(tracks)
        and blocks > 0
        and all(
            int.from_bytes(track.get(TRACK_TYPE, b""), "big") == AUDIO_TRACK
            and track.get(CODEC_ID) in BROWSER_AUDIO_CODECS
            for track in tracks
        )
    )


# Families listen on prepaid data: every recording is kept as Opus, mono, at 40 kbit/s (a
# spoken minute is about 300 KB; a phone's WAV of the same minute is 5 MB or more).
OPUS_BITRATE = "40k"
# Louder than this somewhere, or the microphone was off (digital silence is -91 dB).
SILENT_BELOW_DB = -60.0
MAX_VOLUME = re.compile(rb"max_volume: (-?[0-9.]+|-inf) dB")


class Unplayable(Exception):
    """ffmpeg could not make a recording of it: damaged inside, or silent throughout."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "damaged" or "silent"


@dataclass(frozen=True)
class Prepared:
    """A recording ready for families: Opus bytes and how long it plays."""

    data: bytes
    seconds: float


def prepared_for(upload) -> Prepared | None:
    """to_opus, once per upload: the form's check makes it, and storing the file uses it.
    (A model field's check is given the FieldFile; storing it is given the file inside.)"""
    holder = upload.file if isinstance(upload, FieldFile) else upload
    if "_opus" not in vars(holder):
        holder._opus = to_opus(holder)
    return holder._opus


def to_opus(upload, timeout: float | None = None) -> Prepared | None:
    """The recording as Opus (mono, OPUS_BITRATE, no tags: a phone's file may carry where it
    was made). Raises Unplayable for a damaged or silent one. None when it cannot be done
    now (no ffmpeg on this machine, or it took longer than AUDIO_TRANSCODE_SECONDS): the
    caller keeps the checked original, which plays too, only heavier."""
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        log.warning("audio.no_ffmpeg: recording kept as uploaded")
        return None
    with tempfile.TemporaryDirectory(prefix="recording-") as folder:
        source, target = Path(folder) / "in", Path(folder) / "out.opus"
        with open(source, "wb") as out:
            upload.seek(0)
            shutil.copyfileobj(upload, out)
            upload.seek(0)
        command = [
            ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-threads", "1",
            "-xerror", "-i", str(source),
            "-map", "0:a:0", "-map_metadata", "-1", "-vn", "-ac", "1",
            "-c:a", "libopus", "-b:a", OPUS_BITRATE, "-vbr", "constrained", "-application", "voip",
            "-af", "volumedetect", "-f", "ogg", str(target),
        ]  # fmt: skip
        try:
            done = subprocess.run(  # noqa: S603 (a fixed command on our own temporary files)
                command,
                capture_output=True,
                timeout=timeout or settings.AUDIO_TRANSCODE_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            log.warning("audio.transcode_timeout: recording kept as uploaded")
            return None
        if done.returncode != 0 or not target.exists():
            log.info("audio.damaged: %s", done.stderr[-300:])
            raise Unplayable("damaged")
        loudest = MAX_VOLUME.findall(done.stderr)
        if not loudest or loudest[-1] == b"-inf" or float(loudest[-1]) < SILENT_BELOW_DB:
            raise Unplayable("silent")
        data = target.read_bytes()
    try:
        seconds = OggOpus(io.BytesIO(data)).info.length
    except MutagenError:
        raise Unplayable("damaged") from None
    if seconds <= 0:
        raise Unplayable("damaged")
    return Prepared(data, seconds)
