"""Held-out sentences for the sense read-out: each names its ambiguous word and sense.

Written by hand for this test, six per sense, two senses for each of six
words (72 sentences). None contains an anchor word of any default sense or
one of the neutral contexts (a test checks both), so the read-out is scored on
context the anchors never saw; the sense must come from words around the
focus word, such as "pie", "shares", "tunnels", "grams", "canoe", "vault".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    word: str  # the ambiguous word, as it appears (one occurrence)
    sense: str  # the sense its context gives it: a name in DEFAULT_SENSES[word]


def _labelled(word: str, sense: str, *texts: str) -> tuple[LabelledSentence, ...]:
    return tuple(LabelledSentence(t, word, sense) for t in texts)


HELD_OUT: tuple[LabelledSentence, ...] = (
    *_labelled(
        "apple", "fruit",
        "She peeled an apple and cut it into thin slices for the pie.",
        "The apple fell from the tree and rolled across the grass.",
        "He packed a sandwich and a crisp red apple in his lunch box.",
        "Grandma baked an apple crumble with cinnamon and sugar.",
        "This apple is so juicy that the juice ran down my chin.",
        "At the orchard we picked the ripest apple from the lowest branch.",
    ),
    *_labelled(
        "apple", "tech",
        "Apple announced record profits after strong sales of its new devices.",
        "Shares of Apple rose after the company unveiled a faster chip.",
        "She updated her tablet because Apple fixed a security flaw.",
        "Apple sued a rival firm over a patent for touch screens.",
        "The developers waited for Apple to approve their app in the store.",
        "Apple hired thousands of engineers to design its own processors.",
    ),
    *_labelled(
        "mole", "animal",
        "A mole dug tunnels under the lawn and left piles of soil everywhere.",
        "The blind mole sniffed for earthworms in the dark burrow.",
        "Gardeners often trap the mole that ruins their vegetable beds.",
        "The mole has broad front paws that are perfect for digging.",
        "Our dog chased a mole that popped out of a hole in the garden.",
        "The little mole spent the winter asleep beneath the frozen field.",
    ),
    *_labelled(
        "mole", "chemistry",
        "One mole of carbon has a mass of twelve grams.",
        "The chemist calculated how many grams are in a mole of water.",
        "A mole contains about six times ten to the twenty third particles.",
        "The students learned that a mole is a unit for counting particles in chemistry.",
        "The reaction produced one mole of gas at standard temperature and pressure.",
        "Each mole of oxygen reacts with hydrogen to form water.",
    ),
    *_labelled(
        "bank", "river",
        "We sat on the grassy bank and watched the water flow past.",
        "The canoe drifted toward the muddy bank where the reeds grew thick.",
        "After the flood, the stream had washed away part of its bank.",
        "Fishermen lined the bank of the stream at dawn.",
        "Ducks waddled up the steep bank to nest among the willows.",
        "He slipped on the wet bank and fell into the cold water.",
    ),
    *_labelled(
        "bank", "money",
        "She opened a savings account at the bank near her office.",
        "The bank raised its interest rates on mortgages this year.",
        "He asked the bank teller to deposit his paycheck.",
        "The central bank warned that inflation would stay high.",
        "Robbers broke into the bank vault overnight and stole gold.",
        "The bank charged her a fee for every overseas transfer.",
    ),
    *_labelled(
        "bat", "animal",
        "A bat flew out of the cave at dusk to hunt insects.",
        "The bat hung upside down from the roof of the barn.",
        "This bat finds its prey in the dark by listening to echoes.",
        "A tiny bat fluttered around the streetlight catching bugs.",
        "The vampire bat feeds on the blood of sleeping cattle.",
        "We saw a bat with leathery wings sleeping in the attic.",
    ),
    *_labelled(
        "bat", "sport",
        "He swung the bat and hit the pitch over the fence.",
        "The cricket player gripped his bat and faced the bowler.",
        "She bought a wooden bat for the baseball season.",
        "The batter dropped his bat and ran to first base.",
        "A good bat should feel light when you swing it at the plate.",
        "The umpire checked the bat to make sure it was legal for the game.",
    ),
    *_labelled(
        "crane", "bird",
        "A crane stood on one leg in the shallow marsh.",
        "The crane spread its wide wings and flew over the wetland.",
        "In spring the crane returns to the lake to build a nest.",
        "We watched a tall grey crane catch a fish with its long beak.",
        "The crane called loudly to its mate across the reeds.",
        "A crane landed in the field and pecked at the seeds.",
    ),
    *_labelled(
        "crane", "machine",
        "The crane lifted steel beams to the top of the new tower.",
        "A construction crane collapsed in the storm last night.",
        "The operator sat in the cab of the crane high above the site.",
        "They used a crane to load the containers onto the ship.",
        "The crane swung the concrete block slowly into place.",
        "Workers bolted the crane to the ground before raising the bridge section.",
    ),
    *_labelled(
        "python", "animal",
        "The python coiled around the branch and waited for its prey.",
        "A python swallowed a whole deer in the swamp.",
        "The zookeeper fed a dead chicken to the python.",
        "This python can grow longer than a bus.",
        "The python squeezed its victim until it stopped breathing.",
        "A python slid silently through the tall grass near the village.",
    ),
    *_labelled(
        "python", "code",
        "She wrote a short script in Python to rename the files.",
        "Python is the most popular language for data science.",
        "The error message said that Python could not find the module.",
        "He installed the latest version of Python on the server.",
        "Our course teaches Python to beginners who have never programmed.",
        "The function in Python returned a list of numbers.",
    ),
)


# A development set, kept apart: used once to choose the read-out's definition (the
# baseline-corrected lean of `senses.py` against the raw lean and a mean-centred cosine),
# so that the held-out sentences above are used for scoring only. Two per sense per word.
DEV: tuple[LabelledSentence, ...] = (
    *_labelled("apple", "fruit", "I ate a sweet apple after lunch.",
               "The apple was bruised on one side, so I cut that part off."),
    *_labelled("apple", "tech", "Apple will open a new store downtown next month.",
               "The lawsuit claims Apple paid its workers too little."),
    *_labelled("mole", "animal", "The mole lives underground and eats worms.",
               "We found a dead mole near the fence after the rain."),
    *_labelled("mole", "chemistry",
               "Avogadro's number tells you how many particles are in a mole.",
               "The solution contains half a mole of salt per litre."),
    *_labelled("bank", "river", "The children skipped stones from the bank into the pond.",
               "Wildflowers covered the bank along the water's edge."),
    *_labelled("bank", "money", "The bank approved her mortgage after a long wait.",
               "He withdrew all his savings from the bank."),
    *_labelled("bat", "animal", "The bat uses its wings to fly at night.",
               "A bat caught a mosquito in mid air."),
    *_labelled("bat", "sport", "The player cracked his bat on a fast pitch.",
               "Cricket fans cheered as he raised his bat after scoring a century."),
    *_labelled("crane", "bird", "The crane waded through the pond looking for frogs.",
               "A crane flew south with its flock for the winter."),
    *_labelled("crane", "machine", "The crane hoisted the heavy load onto the roof.",
               "The city ordered the crane removed from the building site."),
    *_labelled("python", "animal", "The python shed its skin in the glass tank.",
               "A python bit the hunter in the jungle."),
    *_labelled("python", "code", "He learned Python to automate his spreadsheets.",
               "The Python library makes it easy to plot graphs."),
)
