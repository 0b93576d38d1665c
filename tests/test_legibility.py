"""Every key moment of every scene is legible at a glance, judged from its mobjects.

The rules and how each is measured are in tests/legibility.py: letters and digits
at least 20 px tall at 1080p (caps; headings at least 30 px), no two visible texts
overlapping, no text outside the title-safe area (`SAFE`), and the main picture
spanning at least half the frame height. A moment may break a rule only with a
written reason in EXEMPT; every exemption used is shown in the warnings summary,
and one nothing needs fails, so the table cannot rot.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, Rectangle, VGroup, tempconfig

from legibility import (
    HEADING_PX,
    MIN_LETTER_PX,
    RULES,
    Still,
    Violation,
    boxes_meet,
    check,
    check_run,
    grouped,
    px,
    summary,
)
from letters import tex_scripts
from scene_harness import run_scene
from scenes import load_scene, registry
from scenes.kit import SAFE, STAGE, THEME, AttentionGrid, formula, label

NAMES = sorted(registry())

# (scene, moment, rule) -> why this moment may break this rule (rule names: RULES).
EXEMPT: dict[tuple[str, str, str], str] = {
    ("softmax", "scores", "empty_frame"):
        "the opening moment is one sentence and its score row (83% of the stage empty): the "
        "question is asked before anything answers it, and the room below is where the "
        "argmax and softmax bars land next; filling it with a score chart would draw the "
        "scores as bars, which the story keeps for weights (a score ladder on the side alone "
        "would still leave the lower left, 40% of the stage, empty)",
}


class LegibilityExemption(UserWarning):
    """A moment that breaks a legibility rule with a written reason."""


def report(name: str, run, failures: list[Violation], unused: list[tuple]) -> str:
    lines = [f"{name}: {len(failures)} legibility failure(s)"]
    lines += [f"  {line}" for line in grouped(failures, list(run.snapshots))]
    lines += [f"  unused exemption {key}: nothing at that moment breaks that rule"
              for key in unused]
    lines += ["  measured:"] + [f"    {line}" for line in summary(run)]
    return "\n".join(lines)


@pytest.mark.parametrize("name", NAMES)
def test_every_key_moment_is_legible(name):
    run = run_scene(load_scene(name))  # the build the scene tests share
    failures, used = [], set()
    for v in check_run(run):
        key = (name, v.moment, v.rule)
        if key in EXEMPT:
            used.add(key)
        else:
            failures.append(v)
    for key in sorted(used):
        warnings.warn(f"{name} @{key[1]} may break {key[2]}: {EXEMPT[key]}",
                      LegibilityExemption, stacklevel=1)
    unused = [key for key in EXEMPT if key[0] == name and key not in used]
    print("\n".join([f"{name}, measured:", *summary(run)]))  # `pytest -rP` shows it
    if failures or unused:
        pytest.fail(report(name, run, failures, unused), pytrace=False)


def test_exemptions_name_real_moments_and_rules_with_a_reason():
    rules = {r.name for r in RULES}
    for (scene, moment, rule), reason in EXEMPT.items():
        assert scene in registry(), f"exemption for unknown scene {scene!r}"
        assert moment in registry()[scene].key_moments, f"{scene} has no moment {moment!r}"
        assert rule in rules, f"unknown rule {rule!r}; rules are {sorted(rules)}"
        assert reason.strip(), f"exemption {(scene, moment, rule)} needs a written reason"


# ---- the measures themselves ----------------------------------------------------------

@pytest.fixture
def media(tmp_path):
    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
        yield


def rules_broken(*mobjects) -> dict[str, list[str]]:
    broken: dict[str, list[str]] = {}
    for v in check(Still.of(list(mobjects)), "test"):
        broken.setdefault(v.rule, []).append(v.message)
    return broken


def test_letter_height_is_the_cap_height_after_every_scale(media):
    word = label("H0 apple", THEME.small)
    VGroup(word).scale(0.6)  # a scale applied to a group the text is in
    cap = px(word.submobjects[0].height)  # the H itself
    (shown,) = Still.of([word]).texts
    assert shown.cap_px == pytest.approx(cap, rel=0.02)
    # lower case only: the same size, although its x-height is far smaller
    (lower,) = Still.of([label("apple", THEME.small).scale(0.6)]).texts
    assert lower.cap_px == pytest.approx(cap, rel=0.02)
    assert px(label("x", THEME.small).scale(0.6).height) < 0.8 * lower.cap_px


@pytest.mark.parametrize("turn", [np.pi / 4, np.pi / 2])
def test_a_turned_text_is_measured_across_its_own_line(media, turn):
    upright = Still.of([label("queries (rows)", THEME.small)]).texts[0]
    (turned,) = Still.of([label("queries (rows)", THEME.small).rotate(turn)]).texts
    assert turned.cap_px == pytest.approx(upright.cap_px, rel=0.02)
    # ligatures (ff) leave fewer glyphs than letters: measured from the whole text
    fluffy = Still.of([label("fluffy", THEME.small).rotate(turn)]).texts[0]
    assert fluffy.cap_px == pytest.approx(upright.cap_px, rel=0.02)


def test_a_subscript_is_measured_at_its_own_height(media):
    text = label("q\u2081", THEME.body)
    (shown,) = Still.of([text]).texts
    assert shown.smallest_px == pytest.approx(px(text.submobjects[1].height), rel=0.02)
    assert shown.smallest_px < 0.7 * shown.cap_px
    (message,) = rules_broken(label("q\u2081", THEME.tiny))["letter_size"]
    assert message.startswith("'q\u2081': a sub/superscript")


def test_latex_scripts_are_found_and_measured_at_script_size(media):
    assert list(tex_scripts(r"\sqrt{d_k} K^\top s_{j'} x^{\mathrm{2}}")) == [
        "k", r"\top", "j'", r"\mathrm{2}"]
    w_k, k_t = formula("W_K", size=THEME.heading), formula(r"K^\top", size=THEME.heading)
    (shown,) = Still.of([w_k]).texts
    big, small = [g.height for g in w_k.family_members_with_points()]  # W, then K
    assert shown.cap_px == pytest.approx(px(big), rel=0.05)  # italic W stands 3% above H
    assert shown.smallest_px == pytest.approx(px(small), rel=0.05)
    (transposed,) = Still.of([k_t]).texts  # ⊤ is no letter: K is the smallest
    assert transposed.smallest_px == transposed.cap_px


def test_small_letters_are_named_with_their_height(media):
    small = label("tiny words", THEME.small).scale(0.5)
    broken = rules_broken(small)
    (message,) = broken["letter_size"]
    assert "'tiny words'" in message and f"{Still.of([small]).texts[0].cap_px:.1f} px" in message
    assert "letter_size" not in rules_broken(label("tiny words", THEME.small).scale(1.2))
    # symbols only: no letter or digit to read
    assert "letter_size" not in rules_broken(label("= \u2192", THEME.small).scale(0.3))


def test_a_heading_shrunk_to_fit_is_reported(media):
    title = label("A long title " * 4, THEME.heading)
    title.scale(HEADING_PX / Still.of([title]).texts[0].cap_px * 0.9)
    assert Still.of([title]).texts[0].cap_px > MIN_LETTER_PX
    (message,) = rules_broken(title)["heading_size"]
    assert "heading size 32" in message


def test_overlapping_texts_are_both_named_and_faded_ones_ignored(media):
    a, b = label("first", THEME.body), label("second", THEME.body)
    b.move_to(a.get_right())
    (message,) = rules_broken(a, b)["overlap"]
    assert "'first' and 'second'" in message
    assert "overlap" not in rules_broken(a, b.copy().next_to(a, DOWN, buff=0.05))
    assert "overlap" not in rules_broken(a, b.copy().set_opacity(0))
    assert "overlap" not in rules_broken(a, a.copy())  # one text added twice is one text


def test_turned_labels_overlap_only_where_their_glyphs_meet(media):
    left = label("verdant", THEME.small).rotate(np.pi / 4)
    right = label("forest", THEME.small).rotate(np.pi / 4)
    right.move_to(left).shift(RIGHT * 0.5)  # side by side, as a grid's column labels
    apart = Still.of([left, right]).texts
    assert boxes_meet(apart[0].box, apart[1].box)  # their boxes along the frame do meet
    assert "overlap" not in rules_broken(left, right)
    (message,) = rules_broken(left, right.shift(LEFT * 0.3))["overlap"]
    assert "'verdant' and 'forest'" in message


def test_text_past_the_safe_margin_says_which_side_and_how_far(media):
    tag = label("edge", THEME.body)
    tag.move_to([SAFE.right, 0, 0], aligned_edge=np.array([-1.0, 0, 0])).shift(RIGHT * 0.1)
    (message,) = rules_broken(tag)["outside_safe"]
    assert f"right by {px(tag.get_right()[0] - SAFE.right):.1f} px" in message
    assert "outside_safe" not in rules_broken(tag.move_to([0, 0, 0]))


def test_a_small_picture_is_reported_with_its_share(media):
    grid = AttentionGrid(np.eye(3), list("abc"), list("abc"), cell=0.5)
    broken = rules_broken(grid)
    share, across = grid.height / 8, grid.width / (128 / 9)
    assert broken["picture_height"] == [
        f"the main picture (AttentionGrid) spans {100 * share:.0f}% of the frame height "
        f"({px(grid.height):.0f} px; needs >= 50%), {100 * across:.0f}% of its width"]
    assert "picture_height" not in rules_broken(grid.copy().scale_to_fit_height(4.5))


def test_the_largest_empty_block_is_the_half_left_free():
    half = Rectangle(width=STAGE.width / 2, height=STAGE.height)
    half.move_to([STAGE.left + STAGE.width / 4, STAGE.y, 0])
    still = Still.of([half])
    share, (left, right, bottom, top) = still.largest_empty()
    assert share == pytest.approx(0.5, abs=0.02)
    assert still.empty_share() == pytest.approx(0.5, abs=0.02)
    for got, want in zip((left, right, bottom, top),
                         (STAGE.x, STAGE.right, STAGE.bottom, STAGE.top), strict=True):
        assert got == pytest.approx(want, abs=0.3)  # one grid cell and a bit


def test_texts_inside_a_picture_are_measured_too(media):
    grid = AttentionGrid(np.eye(2), ["a", "b"], ["a", "b"], cell=0.5)
    strings = [t.string for t in Still.of([grid]).texts]
    assert {"a", "b"} <= set(strings)


def test_a_failure_repeated_is_reported_once_with_its_moments():
    small = [Violation(m, "letter_size", "'0.00': caps 16.6 px") for m in ("a", "b", "b")]
    other = Violation("a", "overlap", "'x' and 'y' overlap by 2.0 px")
    assert grouped([other, *small], ["a", "b"]) == [
        "[letter_size] '0.00': caps 16.6 px (@a, @b ×2)",
        "[overlap] 'x' and 'y' overlap by 2.0 px (@a)"]
    assert grouped(small[:2], ["a", "b"]) == ["[letter_size] '0.00': caps 16.6 px (every moment)"]
