"""Load DIET's and TED's TensorFlow models without building a training graph first.

Rasa 3.6 loads each of them by training the empty model for one step on one example (`model.fit`), only so that
every variable exists before the saved weights are read into it. That step traces the whole training graph with
its gradients: about 60 % of the Rasa server's start-up (py-spy, docs/benchmarks.md). Here the variables are made
by one forward pass of the same loss on the same example, and the optimizer's by building it; then the saved
weights are read and the first prediction traced, as Rasa does. Every weight is read from the model file as
before, so every answer is the same (tests/unit/test_rasa_patches.py compares all weights and the predictions with
Rasa's way of loading). A file whose every value does not find its variable is loaded Rasa's way instead; so is a
model for fine-tuning (`rasa train --finetune`), which goes on training from the saved state.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)
_RASA_LOAD = RasaModel.load.__func__


def load(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: Optional[RasaModelData] = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    # Fine-tuning goes on training from the saved state: Rasa's own way.
    model = None if finetune_mode else _quick_load(cls, model_file_name, model_data_example, *args, **kwargs)
    if model is None:
        return _RASA_LOAD(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    if predict_data_example:
        model.run_inference(predict_data_example)  # traces the prediction graph now, not on a patient's message
    return model


def _quick_load(
    cls: type[RasaModel], model_file_name: str, model_data_example: RasaModelData, *args: Any, **kwargs: Any
) -> Optional[RasaModel]:
    """The model with every saved weight read, or None when the file does not fit it exactly."""
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=config.get(RUN_EAGERLY)
    )
    # The example batch Rasa's one training step would read, through the same loss traced as a graph in training
    # mode, so that the same layers make the same variables. (Run eagerly, a `tf.cond` would build only the branch
    # the example takes, and some layers would not exist or would get other shapes.)
    batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
    try:
        model._training = True
        tf.function(model.batch_loss, autograph=False)(batch)
        model._training = None
        model.optimizer.build(model.trainable_variables)
        # Every value in the file read into a variable of the model, and every variable given a value.
        model.load_weights(model_file_name).assert_consumed()
    except (AssertionError, TypeError, ValueError):  # a value unread or not fitting, or a loss that needs autograph
        # (Rasa's TED would take a ValueError for a missing model and run untrained: never let one through.)
        logger.warning("The quick load of %s did not read every weight; loading it as Rasa does", model_file_name)
        return None
    return model


def apply() -> None:
    RasaModel.load = classmethod(load)


def is_applied() -> bool:
    return getattr(RasaModel.load, "__func__", None) is load
