"""Call DIET's and TED's traced prediction graph directly, not through `tf.function`'s dispatch.

Rasa 3.6 predicts with a `tf.function` that has a fixed input signature, so there is exactly one traced graph; still,
every call goes through TensorFlow's dispatch, which works out the call's types and looks the graph up again (14 %
of a message's time in Rasa's message handling, py-spy, docs/benchmarks.md). Measured on this project's model: DIET
3.8 -> 2.7 ms a call, TED 2.4 -> 1.4 ms, and TED runs before each of the two or three actions of a message.

After Rasa's first prediction has traced the graph, the model's prediction function is wrapped: each batch is
converted to tensors of the signature's types, as `tf.function` converts it, checked against the signature's
shapes, and the one traced graph is run with them; the outputs are the graph's, so the same numbers. A batch that
does not fit the signature, or a TensorFlow without the call used here, goes through the `tf.function` as before.
"""

from __future__ import annotations

import logging
from typing import Any

import tensorflow as tf
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)
_RASA_PREDICT = RasaModel._rasa_predict


class DirectPrediction:
    """The traced graph of a `tf.function` with an input signature, called with a batch of arrays."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.specs: list[tf.TensorSpec] = tf.nest.flatten(function.input_signature)
        self.graph = function.get_concrete_function()

    def __call__(self, batch_in: Any) -> Any:
        if len(batch_in) != len(self.specs):
            return self.function(batch_in)
        try:
            tensors = [
                tf.convert_to_tensor(value, dtype=spec.dtype) for value, spec in zip(batch_in, self.specs, strict=True)
            ]
        except (TypeError, ValueError):
            return self.function(batch_in)
        if not all(spec.is_compatible_with(tensor) for spec, tensor in zip(self.specs, tensors, strict=True)):
            return self.function(batch_in)
        return self.graph._call_flat(tensors, self.graph.captured_inputs)


def _rasa_predict(self: RasaModel, batch_in: Any) -> Any:
    step = self._tf_predict_step
    if step is not None and not isinstance(step, DirectPrediction) and not self._run_eagerly:
        try:
            self._tf_predict_step = DirectPrediction(step)
        except (AttributeError, TypeError, ValueError):  # not the tf.function Rasa makes: leave it
            logger.debug("Rasa's prediction function kept for %s", type(self).__name__)
    return _RASA_PREDICT(self, batch_in)


def apply() -> None:
    RasaModel._rasa_predict = _rasa_predict


def is_applied() -> bool:
    return RasaModel._rasa_predict is _rasa_predict
