"""Every registered scene: a 30–120 s clip with captions, its key moments reached,
and a real render at low quality (480p15) that produces a playable video."""

import json
import shutil
import subprocess

import pytest

from rendering.targets import RegisteredScene
from rendering.worker import VideoTask, render
from scene_harness import run_scene
from scenes import load_scene, registry
from scenes.kit.scene import reading_time

NAMES = sorted(registry())


@pytest.mark.parametrize("name", NAMES)
def test_scene_script(name):
    cls = load_scene(name)
    assert cls.name == name and cls.description, "every scene needs a name and a description"
    run = run_scene(cls)
    duration = run.scene.renderer.time
    assert 30 <= duration <= 120, f"{name} lasts {duration:.1f} s"
    assert [m for m, _ in run.scene.moments_reached] == list(cls.key_moments)
    captions = run.scene.captions
    assert captions, "every scene narrates with captions"
    assert all(0 <= start < end <= duration + 1e-6 for _, start, end in captions)
    covered = sum(end - start for _, start, end in captions)
    assert covered > 0.8 * duration, "captions should accompany most of the clip"
    for text, start, end in captions:
        assert end - start >= reading_time(text) - 0.1, f"too fast to read: {text!r}"


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (ffmpeg) is not installed")
@pytest.mark.parametrize("name", NAMES)
def test_scene_renders_at_low_quality(name, tmp_path):
    out = render(VideoTask(RegisteredScene(name), "low", "mp4", tmp_path / f"{name}.mp4"))
    command = ["ffprobe", "-v", "error", "-show_entries",
               "stream=width,height,r_frame_rate:format=duration", "-of", "json", str(out)]
    probe = json.loads(subprocess.run(command, capture_output=True, text=True,
                                      check=True).stdout)
    stream = probe["streams"][0]
    assert (stream["width"], stream["height"], stream["r_frame_rate"]) == (854, 480, "15/1")
    assert 30 <= float(probe["format"]["duration"]) <= 121
    assert out.with_suffix(".srt").read_text(encoding="utf-8").strip()
    assert not list(tmp_path.glob(".tmp-*")), "no temporary render folder is left behind"
