"""How the shipped toy models were made, and how well they do: kept apart from the models.

    python -m attention_core.training            regenerate every file in assets/
    python -m attention_core.training --check    retrain and compare (see reproducible.py)

corpus.py and translation.py generate the sentences; toy_head.py, layers.py and
cross_head.py train; evaluate.py and measure.py measure on held-out sentences.
"""
