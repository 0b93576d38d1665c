"""Burned-in captions (issue 15, item 4): the captions drawn into the picture, in the
theme's font, in the band every scene keeps clear, at a line length a viewer can read.

The splitter is checked on text; the drawing on scenes built without video (the page
due at each moment, in the band, clear of everything else); the option end to end on a
real low-quality render, by the pixels of a frame grabbed with ffmpeg.
"""

import subprocess
import sys

import numpy as np
import pytest
from manim import Mobject, Text, VMobject
from test_narration_voices import write_tone

from cli_support import FIXTURES, needs_video, one_line_error, our_lines, run
from narration import RecordedVoice, SpeechCache, caption_id
from rendering.cache import Keys
from rendering.lecture import read_manifest
from rendering.specs import SpecError
from rendering.targets import ClassInFile, RegisteredScene
from rendering.worker import VideoTask
from scene_harness import run_scene, visible
from scenes.kit import CAPTIONS, FRAME, THEME, overlaps
from scenes.kit.burned import FADE, LINE, LINES, BurnedCaptions, caption_pages
from scenes.kit.scene import SPEECH_PAUSE, reading_time

CAPTIONED = ClassInFile(FIXTURES / "captioned_scenes.py", "Captioned")  # a lecturer's file
Captioned = CAPTIONED.scene_class()
SHORT, LONG = sys.modules[Captioned.__module__].SHORT, sys.modules[Captioned.__module__].LONG

SAMPLES = [
    SHORT, LONG,
    "The query of apple asks a question; every key answers it.",
    "Softmax is smooth. It never picks just one key, whatever the scores are.",
    "Scaling by the square root of the key size keeps the scores in a range where "
    "softmax still has a gradient to give, which is why every transformer does it.",
    "A word that is far too long for a line: "
    "pneumonoultramicroscopicsilicovolcanoconiosispneumonoultramicroscopic ends it.",
]


# ---- the splitter -------------------------------------------------------------------
@pytest.mark.parametrize("text", SAMPLES)
def test_pages_keep_every_word_in_order_within_the_line_limits(text):
    pages = caption_pages(text)
    assert [w for page in pages for line in page for w in line.split()] == text.split()
    for page in pages:
        assert 1 <= len(page) <= LINES
        for line in page:
            assert len(line) <= LINE or " " not in line, line  # only a lone huge word is over


def test_a_short_caption_is_one_line_and_a_longer_one_breaks_where_a_reader_pauses():
    assert caption_pages(SHORT) == [(SHORT,)]
    assert caption_pages(SAMPLES[2]) == [("The query of apple asks a question;",
                                          "every key answers it.")]
    assert caption_pages("Softmax is smooth. It never picks one key alone.") == [
        ("Softmax is smooth.", "It never picks one key alone.")]  # the sentence, not balance
    # no punctuation: the most balanced split that does not strand a little word
    assert caption_pages("every query is compared with every key in the sentence") == [
        ("every query is compared", "with every key in the sentence")]


def test_a_caption_too_long_for_two_lines_is_paged_at_its_clauses():
    assert caption_pages(SAMPLES[4]) == [
        ("Scaling by the square root of the key size", "keeps the scores in a range where softmax"),
        ("still has a gradient to give,", "which is why every transformer does it.")]
    assert caption_pages(LONG) == [
        ("Each weight is the exponential of a score,",),
        ("divided by the sum", "of all the exponentials,"),
        ("so the weights are positive", "and add up to one.")]
    for text in SAMPLES:
        for page in caption_pages(text):
            for line in page[:-1]:  # a line that has another after it on its page
                assert line.split()[-1].lower() not in {"the", "a", "of", "to", "and"}, page


# ---- the drawing, in scenes built without video ---------------------------------------
def _inked(m: Mobject) -> list[Mobject]:
    """The parts of `m` that draw something."""
    return [p for p in m.get_family() if isinstance(p, VMobject) and p.has_points()
            and max(p.fill_opacity, p.stroke_opacity) > 0.01]


def burned_run(cls):
    """Build `cls` with captions burned (no video) and, after every play, note the time,
    the caption lines drawn, whether they lie inside the band, and what else they touch."""
    seen = []

    class Probe(cls.with_burned_captions()):
        def play(self, *animations, **kwargs):
            super().play(*animations, **kwargs)
            band = self._burned
            drawn = [t for t in visible([band], Text)]
            others = [p for m in self.mobjects if m is not band for p in _inked(m)]
            touching = [type(p).__name__ for p in others for t in drawn if overlaps(t, p, 0)]
            seen.append((self.renderer.time, [t.original_text for t in drawn],
                         all(CAPTIONS.holds(t) for t in drawn), touching))

    return run_scene(Probe).scene, seen


def due_page(text: str, start: float, span: float, t: float) -> tuple[str, ...]:
    """The page of `text` a viewer should see at `t`: pages share `span` by length."""
    pages = caption_pages(text)
    sizes = np.cumsum([len(" ".join(p)) for p in pages])
    k = int(np.searchsorted(start + span * sizes / sizes[-1], t + 1e-9, side="right"))
    return pages[min(k, len(pages) - 1)]


def assert_captions_burned(scene, seen, span_of) -> int:
    """At every noted time the caption due is drawn, inside the band, touching nothing;
    between captions (past the fade) nothing is. Returns how many times were checked."""
    checked = 0
    for t, lines, inside, touching in seen:
        assert inside, (t, lines)
        assert not touching, f"at {t:.2f} s the caption {lines} overlaps {touching}"
        live = [(text, a, b) for text, a, b in scene.captions if a + FADE <= t <= b + 1e-6]
        if live:
            text, start, _ = live[0]
            assert tuple(lines) == due_page(text, start, span_of(text), t), (t, lines)
            checked += 1
        elif not any(a <= t <= b + FADE for _, a, b in scene.captions):
            assert lines == [], (t, lines)
    return checked


def test_a_burned_scene_draws_each_caption_in_the_band_while_it_is_up():
    scene, seen = burned_run(Captioned)
    plain = run_scene(Captioned).scene
    assert scene.captions == plain.captions  # the same timing, the same .srt
    assert scene.renderer.time == plain.renderer.time
    assert assert_captions_burned(scene, seen, reading_time) >= 3
    assert not any(isinstance(m, BurnedCaptions) for m in plain.mobjects)


def test_a_long_caption_shows_its_pages_in_turn_by_their_length():
    scene, _ = burned_run(Captioned)
    cue = scene._burned.cue
    text, start, end = scene.captions[-1]
    assert text == LONG
    shown = []
    for t in np.arange(start, end, 0.05):
        scene._burned.show(t)
        lines = tuple(visible([scene._burned], Text))
        shown.append(tuple(line.original_text for line in lines))
    assert [p for i, p in enumerate(shown) if p and (i == 0 or shown[i - 1] != p)] == \
        caption_pages(LONG)  # each page once, in order, none skipped
    lengths = [len(" ".join(p)) for p in caption_pages(LONG)]
    assert np.diff(cue.starts) == pytest.approx(
        reading_time(LONG) * np.array(lengths[:-1]) / sum(lengths))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recordings")
    for text, seconds in {SHORT: 1.5, LONG: 4.0}.items():
        write_tone(folder / f"{caption_id(text)}.wav", seconds)
    return RecordedVoice(folder, strict=True, cache=SpeechCache(folder / "cache"))


def test_a_spoken_caption_is_drawn_while_spoken_and_gone_in_the_pause(recorded):
    speech = {SHORT: 1.5, LONG: 4.0}
    scene, seen = burned_run(Captioned.with_voice(recorded))
    assert assert_captions_burned(scene, seen, speech.get) >= 2
    pauses = [(t, lines) for t, lines, _, _ in seen
              if any(b + FADE < t < b + SPEECH_PAUSE + 1e-6 for _, _, b in scene.captions)]
    assert pauses and all(lines == [] for _, lines in pauses), pauses


# ---- the option, end to end -----------------------------------------------------------
def _frame(video, t: float) -> np.ndarray:
    """The frame at `t` seconds, as grey levels 0..255 (ffmpeg decodes it)."""
    done = subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{t}", "-i", str(video),
                           "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                          capture_output=True, check=True)
    return np.frombuffer(done.stdout, np.uint8).reshape(480, 854).astype(int)


def _rows(region) -> slice:
    """The pixel rows of a horizontal band of the frame (480 rows for 8 units)."""
    return slice(int((FRAME.top - region.top) / FRAME.height * 480),
                 int(np.ceil((FRAME.top - region.bottom) / FRAME.height * 480)))


@needs_video
def test_burn_captions_draws_them_into_the_video_and_nothing_else_changes(tmp_path):
    burned = run("render", "captioned_scenes.py:Captioned", "--burn-captions",
                 "--out", str(tmp_path / "burned"))
    plain = run("render", "captioned_scenes.py:Captioned", "--out", str(tmp_path / "plain"))
    assert burned.returncode == 0 and plain.returncode == 0, burned.stderr + plain.stderr
    name = "captioned_scenes.Captioned"
    assert ((tmp_path / "burned" / f"{name}.srt").read_text()
            == (tmp_path / "plain" / f"{name}.srt").read_text())  # captions beside it too
    band, stage = _rows(CAPTIONS), slice(0, _rows(CAPTIONS).start)
    bright = int(np.mean([int(c, 16) for c in (THEME.text[1:3], THEME.text[3:5],
                                               THEME.text[5:7])]) * 0.6)
    for t in (0.8, 3.0, 8.0):  # SHORT, then LONG's first and last pages
        on = _frame(tmp_path / "burned" / f"{name}.mp4", t)
        off = _frame(tmp_path / "plain" / f"{name}.mp4", t)
        assert (on[band] > bright).sum() > 200, t  # letters in the band
        assert (off[band] > bright).sum() == 0, t  # and none without the option
        assert np.abs(on[stage] - off[stage]).max() <= 8, t  # the picture is the same


@needs_video
def test_a_plain_manim_scene_cannot_have_burned_captions(tmp_path):
    """A user error (the option cannot apply to this scene): one line, exit 2, no video."""
    done = run("render", "tiny_scenes.py:Tiny", "--burn-captions", "--out", str(tmp_path))
    assert done.returncode == 2 and not list(tmp_path.glob("*.mp4"))
    assert "cannot burn in captions: Tiny is not an ExplainerScene" in done.stderr
    assert [line for line in our_lines(done.stderr) if line.startswith("error")]


def test_the_option_changes_the_key_and_its_absence_does_not():
    keys = Keys()
    target = RegisteredScene("softmax")
    plain = VideoTask(target, "low", "mp4", FIXTURES / "softmax.mp4")
    off = VideoTask(target, "low", "mp4", FIXTURES / "softmax.mp4", burn_captions=False)
    on = VideoTask(target, "low", "mp4", FIXTURES / "softmax.mp4", burn_captions=True)
    assert plain.options() == {"quality": "low", "fmt": "mp4", "transparent": False}
    assert keys.of(off) == keys.of(plain) != keys.of(on)


def _manifest(tmp_path, line: str):
    path = tmp_path / "talk.toml"
    path.write_text(f'title = "Talk"\n{line}\n\n[[chapter]]\ntitle = "Shape"\n'
                    f'scene = "{FIXTURES / "captioned_scenes.py"}:Captioned"\n')
    return path


def test_a_manifest_asks_for_burned_captions_and_the_command_line_can_too(tmp_path):
    assert read_manifest(_manifest(tmp_path, "burn_captions = true")).burn_captions
    assert not read_manifest(_manifest(tmp_path, "")).burn_captions
    assert read_manifest(_manifest(tmp_path, ""), burn_captions=True).burn_captions
    with pytest.raises(SpecError, match=r"talk.toml:2: burn_captions: expected true/false"):
        read_manifest(_manifest(tmp_path, 'burn_captions = "yes"'))


def test_a_bad_burn_captions_in_a_manifest_is_one_line_with_its_place(tmp_path):
    done = run("lecture", str(_manifest(tmp_path, "burn_captions = 1")),
               "--out", str(tmp_path / "out"))
    one_line_error(done, "talk.toml:2: burn_captions: expected true/false, got 1")
