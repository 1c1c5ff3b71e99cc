"""Load spaCy with only the steps the pipeline reads.

Rasa 3.6's SpacyNLP loads the whole spaCy pipeline but the parser. Of what spaCy gives, the project's NLU pipeline
reads only each token's text, position, lemma and part of speech (SpacyTokenizer; config.yml has no spaCy entity
extractor and no component of the project reads a doc's entities, parse or sentences), which come from `tok2vec`,
`tagger`, `attribute_ruler` and `lemmatizer`. The named-entity recogniser ran on every message for nothing: about
1.3 ms of a message's time (docs/benchmarks.md). Its steps never feed the others, so the tokens are the same
(tests/unit/test_rasa_patches.py compares them on every training example).
"""

from __future__ import annotations

from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP

# The spaCy steps whose output the pipeline reads (directly or through the steps after them).
READ = frozenset({"tok2vec", "tagger", "attribute_ruler", "lemmatizer"})

_RASA_LOAD_MODEL = SpacyNLP.load_model


def load_model(spacy_model_name: str) -> SpacyModel:
    spacy_model = _RASA_LOAD_MODEL(spacy_model_name)  # Rasa's checks of the name and the spaCy version
    for name in [name for name in spacy_model.model.pipe_names if name not in READ]:
        spacy_model.model.disable_pipe(name)
    return spacy_model


def apply() -> None:
    SpacyNLP.load_model = staticmethod(load_model)


def is_applied() -> bool:
    return SpacyNLP.load_model is load_model
