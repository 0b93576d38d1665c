"""English sentences and their French translations, word-aligned, for cross-attention.

French puts most adjectives after the noun ("a red apple" → "une pomme rouge"),
so the alignment is not a diagonal: a good cross-attention pattern has to look
backwards and forwards in the English sentence. Each French word records the
English word it translates (its *source*); "a mangé" both come from "ate".
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# English word -> (French word, grammatical gender) for nouns
NOUNS = {
    "apple": ("pomme", "f"), "orange": ("orange", "f"), "banana": ("banane", "f"),
    "pear": ("poire", "f"), "cherry": ("cerise", "f"), "lemon": ("citron", "m"),
    "grape": ("raisin", "m"), "phone": ("téléphone", "m"), "laptop": ("portable", "m"),
    "computer": ("ordinateur", "m"), "creature": ("créature", "f"), "fox": ("renard", "m"),
    "mole": ("taupe", "f"), "shrew": ("musaraigne", "f"), "forest": ("forêt", "f"),
    "garden": ("jardin", "m"), "field": ("champ", "m"), "valley": ("vallée", "f"),
}
# English adjective -> (masculine, feminine); all of these follow the noun in French
ADJECTIVES = {
    "red": ("rouge", "rouge"), "green": ("vert", "verte"), "sweet": ("sucré", "sucrée"),
    "ripe": ("mûr", "mûre"), "fresh": ("frais", "fraîche"), "blue": ("bleu", "bleue"),
    "fluffy": ("duveteux", "duveteuse"), "dark": ("sombre", "sombre"),
    "quiet": ("calme", "calme"), "verdant": ("verdoyant", "verdoyante"),
}
SUBJECTS = {"she": ("elle", "a"), "he": ("il", "a"), "they": ("ils", "ont")}
ARTICLES = {"a": {"m": "un", "f": "une"}, "the": {"m": "le", "f": "la"}}

SLOT_WORDS = {
    "fruit": ["apple", "orange", "banana", "pear", "cherry", "lemon", "grape"],
    "f_adj": ["red", "green", "sweet", "ripe", "fresh"],
    "device": ["phone", "laptop", "computer"],
    "creature": ["creature", "fox", "mole", "shrew"],
    "c_adj": ["blue", "fluffy", "dark", "quiet"],
    "place": ["forest", "garden", "field", "valley"],
    "p_adj": ["verdant", "green", "dark", "quiet"],
}


@dataclass(frozen=True)
class Pair:
    english: tuple[str, ...]
    french: tuple[str, ...]
    source: tuple[int, ...]  # for each French word, the index of its English word

    @property
    def text(self) -> tuple[str, str]:
        return " ".join(self.english), " ".join(self.french)


class _Builder:
    """Appends aligned words: English and French grow side by side."""

    def __init__(self):
        self.en: list[str] = []
        self.fr: list[str] = []
        self.src: list[int] = []

    def en_word(self, word: str) -> int:
        self.en.append(word)
        return len(self.en) - 1

    def fr_word(self, word: str, source: int) -> None:
        self.fr.append(word)
        self.src.append(source)

    def noun_phrase(self, article: str, noun: str, adjective: str | None = None) -> None:
        """'a red apple' / 'une pomme rouge' (adjective after the noun in French)."""
        french_noun, gender = NOUNS[noun]
        a = self.en_word(article)
        adj = self.en_word(adjective) if adjective else None
        n = self.en_word(noun)
        self.fr_word(ARTICLES[article][gender], a)
        self.fr_word(french_noun, n)
        if adjective:
            self.fr_word(ADJECTIVES[adjective][gender == "f"], adj)

    def pair(self) -> Pair:
        return Pair(tuple(self.en), tuple(self.fr), tuple(self.src))


def _ate(b: _Builder, subject: str, verb: str, french_verb: str) -> None:
    s = b.en_word(subject)
    v = b.en_word(verb)
    pronoun, auxiliary = SUBJECTS[subject]
    b.fr_word(pronoun, s)
    b.fr_word(auxiliary, v)
    b.fr_word(french_verb, v)


def _eat_pair(rng: random.Random) -> Pair:
    b = _Builder()
    _ate(b, rng.choice(list(SUBJECTS)), "ate", "mangé")
    b.noun_phrase("a", rng.choice(SLOT_WORDS["fruit"]), rng.choice(SLOT_WORDS["f_adj"]))
    return b.pair()


def _buy_pair(rng: random.Random) -> Pair:
    b = _Builder()
    _ate(b, rng.choice(list(SUBJECTS)), "bought", "acheté")
    kind = rng.choice(["fruit", "device"])
    adjective = rng.choice(SLOT_WORDS["f_adj"]) if kind == "fruit" else None
    b.noun_phrase(rng.choice(["a", "the"]), rng.choice(SLOT_WORDS[kind]), adjective)
    return b.pair()


def _roam_pair(rng: random.Random) -> Pair:
    b = _Builder()
    b.noun_phrase(rng.choice(["a", "the"]), rng.choice(SLOT_WORDS["creature"]),
                  rng.choice(SLOT_WORDS["c_adj"] + [None]))
    b.fr_word("parcourait", b.en_word("roamed"))
    b.noun_phrase("the", rng.choice(SLOT_WORDS["place"]),
                  rng.choice(SLOT_WORDS["p_adj"] + [None]))
    return b.pair()


def generate_pairs(split: str = "train", n: int = 300, seed: int = 0) -> list[Pair]:
    """Distinct sentence pairs; held-out pairs never occur in training.

    About 1,100 distinct pairs exist; 2n are drawn (n ≤ 400) and every fourth is
    held out: 3n/2 training pairs, n/2 held-out ones.
    """
    if not 0 < n <= 400:
        raise ValueError(f"n must be in 1..400 (about 1,100 distinct pairs exist), got {n}")
    if split not in ("train", "held_out"):
        raise ValueError(f"split must be 'train' or 'held_out', got {split!r}")
    rng = random.Random(f"translation-{seed}")
    makers = (_eat_pair, _buy_pair, _roam_pair)
    pairs: dict[tuple[str, ...], Pair] = {}
    while len(pairs) < 2 * n:
        p = rng.choice(makers)(rng)
        pairs.setdefault(p.english, p)
    ordered = list(pairs.values())
    # a deterministic split: every 4th distinct pair is held out
    held = ordered[3::4]
    train = [p for i, p in enumerate(ordered) if i % 4 != 3]
    return train if split == "train" else held


def french_vocabulary() -> list[str]:
    words: list[str] = ["mangé", "acheté", "parcourait"]
    words += [w for pron_aux in SUBJECTS.values() for w in pron_aux]
    words += [w for forms in ARTICLES.values() for w in forms.values()]
    words += [fr for fr, _ in NOUNS.values()]
    words += [w for forms in ADJECTIVES.values() for w in forms]
    return list(dict.fromkeys(words))  # dedupe, keep order
