"""Counts shown in full are said rounded, the way a lecturer would say them."""

import pytest

from narration import speakable, unpronounceable
from scenes.kit import about


@pytest.mark.parametrize("count, said", [
    (175_181_291_520, "about 175 billion"),
    (57_982_058_496, "about 58 billion"),
    (3_145_728, "about 3.1 million"),
    (150_994_944, "about 151 million"),
    (999_999, "about 1 million"),   # rounds up into the next scale, not "1000 thousand"
    (12_288, "about 12 thousand"),
    (3_000_000, "3 million"),       # exact: no "about"
    (999, "999"),
])
def test_about(count, said):
    assert about(count) == said
    assert unpronounceable(said) == "" and speakable(said) == said


def test_the_voice_can_say_it_in_a_sentence():
    assert not unpronounceable(speakable(f"At {about(1_048_576)} tokens"))
