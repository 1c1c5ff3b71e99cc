"""spaCy's context vectors as dense features, for a spaCy pipeline without word vectors.

The small English pipeline (en_core_web_sm) has no static word vectors, so Rasa's SpacyFeaturizer adds no feature at
all (it checks `doc.vocab.vectors_length`). The pipeline still computes a 96-wide context vector per token (its
tok2vec layer, `doc.tensor`); this featurizer hands those to the classifier, token by token and pooled per message.
Used in the pipeline comparison (nlu_eval/compare.py); see the README's NLU section for whether it is kept.
"""

from __future__ import annotations

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.spacy_featurizer import SpacyFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SpacyContextFeaturizer(SpacyFeaturizer):
    def _set_spacy_features(self, message: Message, attribute: str = TEXT) -> None:
        doc = self._get_doc(message, attribute)
        if doc is None or doc.tensor is None or not doc.tensor.size:
            return
        # The same tokens as SpacyTokenizer keeps (whitespace-only tokens dropped), so features and tokens line up.
        rows = [doc.tensor[token.i] for token in doc if token.text.strip()]
        if not rows:
            return
        sequence = np.array(rows)
        sentence = self.aggregate_sequence_features(sequence, self.pooling_operation)
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, attribute, alias))
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, attribute, alias))
