"""`about`: the rounded spoken form of a count whose digits the picture shows."""

import pytest

from narration import speakable, unpronounceable
from scenes.kit.spoken import about


@pytest.mark.parametrize("count, said", [
    (175_181_291_520, "about 175 billion"),  # GPT-3's parameters
    (1_048_576, "about 1.05 million"),  # 2^20 tokens
    (57_982_058_496, "about 58 billion"),  # trailing zeros are not said
    (999_999, "about 1 million"),  # rounding carries into the next name
    (1_500_000_000_000, "about 1.5 trillion"),
    (2_048, "2,048"),  # under a million: said in full, as written
])
def test_about_rounds_to_three_figures_and_names_the_scale(count, said):
    assert about(count) == said


def test_the_voice_can_say_it():
    assert not unpronounceable(speakable(f"At {about(1_048_576)} tokens"))
