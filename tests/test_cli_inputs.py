"""Bad inputs a lecturer will hit, through the command line.

Each gives one `error: ...` line (with file:line for TOML, where there is a line), exit 2,
and writes nothing: no new output, no temporaries, an existing output left as it was.
None of these needs ffmpeg: they stop before any render starts.
"""

import pytest

from cli_support import needs_video, one_line_error, probe, run, snapshot

PREVIOUS = b"a previous good render"
GOOD_SPEC = 'scene = "apple_in_context"\nfocus = "apple"\n'
GOOD_MANIFEST = 'title = "x"\n\n[[chapter]]\ntitle = "One"\nscene = "values"\n'


@pytest.fixture
def out(tmp_path):
    """An output folder already holding earlier renders, which a bad command must keep."""
    folder = tmp_path / "out"
    for name in ("talk.mp4", "talk.srt", "lecture.mp4", "scenes.Intro.mp4", "values.mp4",
                 "apple_in_context/embedding.png"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(PREVIOUS)
    return folder


def fails_cleanly(out, *args, needles=(), code=2) -> str:
    """Run render.py ARGS --out OUT: one error line with every needle, `out` unchanged."""
    before = snapshot(out)
    line = one_line_error(run(*args, "--out", str(out)), *needles, code=code)
    assert snapshot(out) == before
    return line


# ---- files that cannot be read -------------------------------------------------------
@pytest.mark.parametrize("command,text", [("render", GOOD_SPEC), ("lecture", GOOD_MANIFEST)])
def test_a_file_not_in_utf8(tmp_path, out, command, text):
    path = tmp_path / ("talk.toml" if command == "render" else "lecture.toml")
    path.write_bytes((text + "# written in a café\n").encode("latin-1"))  # as old editors save
    line_of_e = text.count("\n") + 1
    fails_cleanly(out, command, str(path), needles=(f"{path.name}:{line_of_e}: not UTF-8",
                                                    "byte 0xe9", "save it with UTF-8"))


def test_a_python_file_not_in_utf8(tmp_path, out):
    path = tmp_path / "scenes.py"
    path.write_bytes(b"from manim import Scene\n# caf\xe9\n")
    fails_cleanly(out, "render", str(path), needles=("scenes.py:2: not UTF-8",))


def test_a_byte_order_mark_is_not_an_error(tmp_path, out):
    # Windows Notepad starts UTF-8 files with one; the spec is read past it (and its real
    # mistake on line 2 reported), not refused as "invalid TOML at line 1"
    path = tmp_path / "talk.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'scene = "apple_in_context"\ncolour = "red"\n')
    fails_cleanly(out, "render", str(path), needles=("talk.toml:2: unknown key 'colour'",))


@pytest.mark.parametrize("command,name", [("render", "talk.toml"), ("lecture", "lecture.toml"),
                                          ("render", "scenes.py")])
def test_a_folder_named_like_a_file(tmp_path, out, command, name):
    (tmp_path / name).mkdir()
    fails_cleanly(out, command, str(tmp_path / name), needles=(name, "is a folder, not a file"))


@pytest.mark.parametrize("command,target", [("render", "talk.toml"), ("lecture", "lecture.toml"),
                                            ("render", "scenes.py"),
                                            ("render", "scenes.py:Intro")])
def test_a_missing_file(tmp_path, out, command, target):
    fails_cleanly(out, command, str(tmp_path / target),
                  needles=(target.split(":")[0], "no such file"))


# ---- Python files that hold no scene to render ---------------------------------------
def test_a_python_file_with_a_syntax_error(tmp_path, out):
    path = tmp_path / "scenes.py"
    path.write_text("from manim import Scene\nclass Intro(Scene)\n    pass\n")
    fails_cleanly(out, "render", str(path), needles=("scenes.py:2: syntax error",))


def test_a_python_file_without_a_scene(tmp_path, out):
    path = tmp_path / "scenes.py"
    path.write_text("class Palette:\n    stroke = 'white'\n")
    fails_cleanly(out, "render", str(path), needles=("scenes.py", "no scene", "construct"))
    path.write_text("from manim import Scene\nclass Intro(Scene):\n    def construct(self):\n"
                    "        pass\n")
    fails_cleanly(out, "render", f"{path}:Outro", needles=("no scene class 'Outro'",
                                                           "scenes in it: Intro"))


def test_a_manifest_points_at_the_line_naming_a_broken_scene_file(tmp_path, out):
    (tmp_path / "scenes.py").write_text("class Intro(Scene)\n")
    manifest = tmp_path / "lecture.toml"
    manifest.write_text(GOOD_MANIFEST + '\n[[chapter]]\ntitle = "Two"\nscene = "scenes.py"\n')
    fails_cleanly(out, "lecture", str(manifest), needles=("lecture.toml:9:",
                                                          "scenes.py:1: syntax error"))


# ---- TOML with mistakes ----------------------------------------------------------------
def test_an_unknown_key_in_a_spec(tmp_path, out):
    spec = tmp_path / "talk.toml"
    spec.write_text(GOOD_SPEC + 'colour = "red"\n')
    fails_cleanly(out, "render", str(spec), needles=("talk.toml:3: unknown key 'colour'",
                                                     "expected one of", "focus"))


def test_a_manifest_that_is_not_toml(tmp_path, out):
    manifest = tmp_path / "lecture.toml"
    manifest.write_text('title = "x"\n\n[[chapter]\ntitle = "One"\n')
    fails_cleanly(out, "lecture", str(manifest), needles=("lecture.toml:3:", "not valid TOML"))


def test_unknown_scene(out):
    fails_cleanly(out, "render", "apple_in_contxt", needles=(
        "unknown scene 'apple_in_contxt'", "did you mean 'apple_in_context'"))


def test_unknown_word_in_a_spec(tmp_path, out):
    spec = tmp_path / "talk.toml"
    spec.write_text('scene = "apple_in_context"\nfocus = "apple"\n'
                    'sentences = ["buy an apple", "apple launched a new fone"]\n')
    fails_cleanly(out, "render", str(spec), needles=("talk.toml:3:", "unknown word 'fone'",
                                                     "phone"))


def test_bad_spec_says_file_line_and_what_was_expected(tmp_path, out):
    spec = tmp_path / "talk.toml"
    spec.write_text('scene = "apple_in_context"\nsenses = "fruit"\n')
    fails_cleanly(out, "render", str(spec), needles=("talk.toml:2:",
                                                     "expected a list of 2 strings"))
    spec.write_text('scene = "apple_in_context"\nfocus = "apple\n')
    fails_cleanly(out, "render", str(spec), needles=("talk.toml:2:", "not valid TOML"))


def test_bad_manifest_says_file_line_and_what_was_expected(tmp_path, out):
    manifest = tmp_path / "lecture.toml"
    manifest.write_text(GOOD_MANIFEST + '\n[[chapter]]\ntitle = "Two"\nscene = "no_such_scene"\n')
    fails_cleanly(out, "lecture", str(manifest), needles=("lecture.toml:9:", "unknown scene"))
    manifest.write_text('title = "x"\nquality = "ultra"\n[[chapter]]\ntitle = "a"\n'
                        'scene = "values"\n')
    fails_cleanly(out, "lecture", str(manifest), needles=("lecture.toml:2:", "quality"))
    manifest.write_text('title = "x"\n[[chapter]]\ntitle = "a"\n')
    fails_cleanly(out, "lecture", str(manifest), needles=("lecture.toml:2:", "scene"))


# ---- options ---------------------------------------------------------------------------
@pytest.mark.parametrize("args,needles", [
    (["figures", "apple_in_context", "--format", "jpg"], ["unknown figure format jpg",
                                                          "png, svg, pdf"]),
    (["figures", "apple_in_context", "--format", ","], ["unknown figure format (none)"]),
    (["figures", "apple_in_context", "--moment", "finale"], ["no key moment finale",
                                                             "its moments: embedding"]),
    (["render", "values", "-f", "avi"], ["--format/-f", "invalid choice: 'avi'", "--help"]),
    (["render", "values", "-q", "ultra"], ["--quality/-q", "invalid choice: 'ultra'"]),
    (["render", "values", "--jobs", "0"], ["--jobs must be at least 1"]),
    (["render", "values", "--transparent"], ["mp4 cannot be transparent", "--format mov"]),
])
def test_a_bad_option(out, args, needles):
    fails_cleanly(out, *args, needles=needles)


# ---- and one that is right -------------------------------------------------------------
@needs_video
def test_a_bare_python_file_renders_every_scene_in_it(tmp_path):
    done = run("render", "scene_family.py", "--out", str(tmp_path), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    scenes = ["Intro", "IntroInRed", "Outro"]  # Palette is no scene; IntroInRed inherits one
    videos = [tmp_path / f"scene_family.{name}.mp4" for name in scenes]
    assert done.stdout.split() == [str(v) for v in videos]
    assert sorted(tmp_path.glob("*.mp4")) == videos
    for video in videos:
        assert 0.4 < float(probe(video)["format"]["duration"]) < 0.7
