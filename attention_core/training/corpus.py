"""Generated sentences that the toy models learn from.

Each template belongs to a topic (fruit, tech, animal, ...). Slots such as
`{fruit}` draw from word lists; `{a}` becomes "a" or "an" for the next word;
a trailing `?` makes a slot optional. Adjective slots may name the noun they
describe: `{c_adj<1}` describes the noun slot written `{creature=1}`. That
annotation is what the adjective head of the lecture model is trained on.

Templates are split once, by hand, into *train* and *held-out*: held-out
templates are sentence shapes the models never see, so accuracy on them
measures generalisation, not memory.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

TOPICS = ["fruit", "tech", "animal", "chemistry", "medicine", "city"]
AMBIGUOUS = {"apple": ("fruit", "tech"), "mole": ("animal", "chemistry", "medicine")}

SLOTS: dict[str, list[str]] = {
    "subj": ["i", "she", "he", "they"],
    "fruit": ["orange", "banana", "pear", "grape", "cherry", "lemon"],
    "f_adj": ["sweet", "ripe", "red", "fresh"],
    "device": ["phone", "laptop", "computer", "iphone"],
    "tech_noun": ["software", "app", "screen", "chip"],
    "creature": ["creature", "shrew", "fox", "mole"],
    "c_adj": ["fluffy", "blue", "small", "dark", "furry"],
    "place": ["forest", "garden", "field", "valley"],
    "p_adj": ["verdant", "green", "dark", "quiet", "old"],
    "chem": ["carbon", "oxygen", "water", "salt"],
    "s_adj": ["dark", "small", "red", "old"],
    "t_adj": ["tall", "old", "iron", "miniature"],
}

# (topic, template). Grammar is kept simple on purpose: short, clear sentences.
TRAIN_TEMPLATES: list[tuple[str, str]] = [
    ("fruit", "{subj} ate {a} {f_adj?} apple"),
    ("fruit", "{subj} bought an apple and {a} {fruit}"),
    ("fruit", "buy an apple and {a} {fruit}"),
    ("fruit", "{subj} sliced the apple for the pie"),
    ("fruit", "the apple tree was {f_adj}"),
    ("fruit", "{subj} ate the apple pie with {fruit} juice"),
    ("fruit", "apple and {fruit} juice is {f_adj}"),
    ("fruit", "{a} {f_adj} apple fell from the tree"),
    ("fruit", "{subj} ate {a} {f_adj<1?} {fruit=1}"),
    ("fruit", "the {fruit} tree was {f_adj}"),
    ("fruit", "{subj} eat {a} {fruit} with the pie"),
    ("fruit", "{a} {fruit} is {a} {f_adj} fruit"),
    ("fruit", "{subj} bought {a} {f_adj<1} {fruit=1} for the pie"),
    ("tech", "apple released {a} new {device}"),
    ("tech", "apple launched the new {device}"),
    ("tech", "the apple stock rose after the {device} launched"),
    ("tech", "{subj} bought an apple {device}"),
    ("tech", "the apple {device} has a new {tech_noun}"),
    ("tech", "apple sold {a} {device} with a new chip"),
    ("tech", "the apple {tech_noun} is new"),
    ("tech", "apple is a {device} company"),
    ("tech", "the company launched {a} {device} with a new {tech_noun}"),
    ("tech", "{subj} bought {a} new {device}"),
    ("tech", "the {device} stock rose after the launch"),
    ("tech", "the {device} is new tech"),
    ("tech", "buy an apple {device} and {a} {tech_noun}"),
    ("tech", "buy the new {device}"),
    ("tech", "apple released {a} {device} and {a} {device}"),
    ("tech", "take the new apple {device} with the {tech_noun}"),
    ("tech", "the stock of the {device} company rose"),
    ("animal", "the {c_adj<1?} mole=1 dug a tunnel in the {place}"),
    ("animal", "{a} {c_adj<1} mole=1 roamed the {p_adj<2?} {place=2}"),
    ("animal", "the american shrew mole roamed the {place}"),
    ("animal", "the mole and the {creature} dug a tunnel"),
    ("animal", "{a} {creature} with {a} {c_adj} mole=1 roamed the {place}"),
    ("animal", "take the {creature} from the {place}"),
    ("animal", "buy {a} {c_adj} {creature} for the {place}"),
    ("animal", "{subj} saw {a} {c_adj<1} mole=1 in the {place}"),
    ("animal", "{a} {c_adj<1?} {c_adj<1} {creature=1} roamed the {p_adj<2} {place=2}"),
    ("animal", "the {c_adj<1} {creature=1} dug a tunnel in the {p_adj<2?} {place=2}"),
    ("animal", "{subj} saw {a} {c_adj<1} {creature=1} in the {p_adj<2} {place=2}"),
    ("chemistry", "one mole of carbon dioxide"),
    ("chemistry", "one mole of {chem} has many atoms"),
    ("chemistry", "a mole of {chem} is many atoms"),
    ("chemistry", "{subj} weighed one mole of {chem}"),
    ("chemistry", "the {chem} gas has many atoms"),
    ("chemistry", "one mole of {chem} and one mole of {chem}"),
    ("chemistry", "take one mole of {chem} with the {chem}"),
    ("medicine", "the doctor removed the {s_adj<1?} mole=1"),
    ("medicine", "take a biopsy of the mole"),
    ("medicine", "{subj} had {a} {s_adj<1} mole=1 on the skin"),
    ("medicine", "the doctor saw the skin"),
    ("medicine", "the doctor saw a mole and a biopsy was taken"),
    ("medicine", "{a} {s_adj<1} mole=1 of the skin was removed"),
    ("medicine", "she had a biopsy of the skin"),
    ("city", "the eiffel tower is in paris"),
    ("city", "{subj} visited the {t_adj<1?} tower=1 in the city"),
    ("city", "{subj} bought {a} miniature eiffel tower"),
    ("city", "the {t_adj<1} tower=1 of paris"),
    ("city", "paris and the eiffel tower"),
    ("city", "buy {a} {t_adj} tower in paris"),
    ("city", "take a miniature tower from paris"),
    ("city", "{subj} visited paris with the {t_adj} tower"),
]

HELD_OUT_TEMPLATES: list[tuple[str, str]] = [
    ("fruit", "the {f_adj<1} apple=1 and the {fruit} were sliced"),
    ("fruit", "{subj} bought {a} {fruit} with an apple"),
    ("fruit", "{subj} ate apple pie and {fruit} pie"),
    ("fruit", "the apple was {f_adj} and the {fruit} was {f_adj}"),
    ("tech", "{subj} bought the new apple {device} and an app"),
    ("tech", "apple launched new software for the {device}"),
    ("tech", "the company apple sold the {device}"),
    ("tech", "apple stock rose after the new {device}"),
    ("animal", "the mole dug in the {p_adj<1} {place=1}"),
    ("animal", "{a} {c_adj<1} {c_adj<1} mole=1 roamed the {place}"),
    ("chemistry", "the mole of {chem} has many atoms"),
    ("chemistry", "{subj} weighed a mole of carbon dioxide"),
    ("medicine", "the doctor took a biopsy of the {s_adj<1} mole=1"),
    ("medicine", "{a} {s_adj<1} mole=1 on the skin was removed"),
    # adjectives further back than the word just before their noun: these tell an
    # adjective head from a previous-word head (no ambiguous word in them, so the
    # sense figures above are unchanged)
    ("animal", "{a} {c_adj<1} and {c_adj<1} fox=1 roamed the {place}"),
    ("fruit", "{subj} sliced {a} {f_adj<1} {f_adj<1} {fruit=1}"),
    ("animal", "{subj} saw the {p_adj<1} {p_adj<1} {place=1}"),
]

_SLOT = re.compile(r"^\{(\w+)(?:<(\d+))?(?:=(\d+))?(\?)?\}$|^(\w+)=(\d+)$")


@dataclass(frozen=True)
class Sentence:
    """One generated sentence with its topic and which adjectives describe which noun."""

    tokens: tuple[str, ...]
    topic: str
    links: tuple[tuple[int, int], ...] = ()  # (adjective position, noun position)
    nouns: tuple[int, ...] = ()  # positions of nouns that adjectives may describe

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def fill(template: str, rng: random.Random
          ) -> tuple[list[str], list[tuple[int, int]], list[int]]:
    """One sentence from a template: its words, (adjective, noun) links and noun positions."""
    tokens: list[str] = []
    adjective_of: list[tuple[int, str]] = []  # (position, noun label)
    noun_at: dict[str, int] = {}
    for part in template.split():
        match = _SLOT.match(part)
        if match is None:
            tokens.append(part)
            continue
        slot, describes, label, optional, literal, literal_label = match.groups()
        if literal is not None:  # a fixed word that is the target of links: "mole=1"
            noun_at[literal_label] = len(tokens)
            tokens.append(literal)
            continue
        if optional and rng.random() < 0.5:
            continue
        if slot == "a":
            tokens.append("a")  # fixed to "an" below, once the next word is known
            continue
        choices = [w for w in SLOTS[slot] if w not in tokens]  # no repeated adjectives
        word = rng.choice(choices)
        if describes is not None:
            adjective_of.append((len(tokens), describes))
        if label is not None:
            noun_at[label] = len(tokens)
        tokens.append(word)
    for i, t in enumerate(tokens[:-1]):
        if t == "a" and tokens[i + 1][0] in "aeiou":
            tokens[i] = "an"
    links = [(pos, noun_at[label]) for pos, label in adjective_of]
    return tokens, links, sorted(noun_at.values())


def generate(split: str = "train", per_template: int = 40, seed: int = 0) -> list[Sentence]:
    """Distinct sentences from the train or held-out templates, in a seeded order."""
    if split not in ("train", "held_out"):
        raise ValueError(f"split must be 'train' or 'held_out', got {split!r}")
    templates = TRAIN_TEMPLATES if split == "train" else HELD_OUT_TEMPLATES
    rng = random.Random(f"{split}-{seed}")
    seen: set[tuple[str, ...]] = set()
    if split == "held_out":  # never let a held-out sentence coincide with a training one
        seen = {s.tokens for s in generate("train", per_template, seed)}
    out: list[Sentence] = []
    for topic, template in templates:
        for _ in range(per_template):
            tokens, links, nouns = fill(template, rng)
            key = tuple(tokens)
            if key in seen:
                continue
            seen.add(key)
            out.append(Sentence(key, topic, tuple(links), tuple(nouns)))
    rng.shuffle(out)
    return out


def vocabulary() -> list[str]:
    """Every word the corpus can produce, plus the topic names, in a fixed order."""
    words: list[str] = list(TOPICS)
    for _, template in TRAIN_TEMPLATES + HELD_OUT_TEMPLATES:
        for part in template.split():
            match = _SLOT.match(part)
            if match is None:
                candidates = [part]
            elif match.group(5) is not None:
                candidates = [match.group(5)]
            elif match.group(1) == "a":
                candidates = ["a", "an"]
            else:
                candidates = SLOTS[match.group(1)]
            words.extend(w for w in candidates if w not in words)
    return words
