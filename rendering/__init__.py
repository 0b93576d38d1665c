"""Everything behind `render.py`: targets, presets, caching, lectures, figures.

What is where (each module is one idea):
    targets    what can be rendered: a Target kind per class (scene, file class, spec, card)
    resolve    the text a user types (`values`, `my.py:Intro`, `talk.toml`) -> targets
    specs      TOML a lecturer writes: parameters read and checked once, with file:line
    lecture    a lecture manifest, and joining its clips into one chaptered video
    tasks      what a unit of work is (Task): a video (worker.py) or a figure set (figures.py)
    imports    which project files a module reaches by its imports (read with ast)
    cache      content keys derived from those files, and the sidecars that record them
    runner     run a command's tasks: skip the fresh ones, hand the rest to a Runner
    pool       the local Runner: this process, or a pool of worker processes
    files      reading the user's files, writing outputs atomically
    voices     the voice a render speaks with, as the plain string a task carries
    script     each scene's captions from a dry run: the narration script, recordings' keys
    soundtrack a joined lecture's one continuous, loudness-normalised sound track
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project: render.py, assets/, build/
BUILD = ROOT / "build"
# LaTeX and text SVGs Manim makes, speech, captions; EXPLAINER_CACHE moves it (the
# benchmark's cold runs; narration.cache reads the same variable for its speech folder).
CACHE = Path(os.environ.get("EXPLAINER_CACHE", BUILD / ".cache"))
