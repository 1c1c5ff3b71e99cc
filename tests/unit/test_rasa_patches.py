"""The Rasa fixes: applied in every entry point that starts Rasa (the server through credentials.yml's channels, the
`python -m rasa_patches` wrapper the Makefile, scripts/run.sh and the tests use), and the same verdicts on action
answers as Rasa's own check."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import rasa_patches
from rasa_patches import action_results

ROOT = Path(__file__).resolve().parents[2]
rasa_patches.apply()

VALID = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "pain_area", "value": "lower back"}],
        "responses": [
            {"text": "Heat can ease a spasm.", "buttons": [{"title": "Book", "payload": "/book_appointment"}]}
        ],
    },
    {"events": [{"event": "active_loop", "name": "booking_form"}, {"event": "followup", "name": "action_listen"}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"events": [], "responses": ["a bare string"]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_guidance", EndpointConfig("http://localhost:5055/webhook"))


def fresh_python(code: str) -> subprocess.CompletedProcess:
    """Runs the code in a new interpreter from the project folder: nothing of this test run is loaded there."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
    )


def test_importing_rasa_patches_changes_nothing_until_apply() -> None:
    result = fresh_python(
        "import rasa_patches, sys; from rasa.core.actions.action import RemoteAction; "
        "from rasa_patches import action_results; "
        "sys.exit(3 if action_results.is_applied() or rasa_patches.applied() else 0)"
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_rasa_run_gets_the_fixes_from_every_channel_in_credentials_yml() -> None:
    connectors = [name for name in yaml.safe_load((ROOT / "credentials.yml").read_text()) if "." in name]
    assert connectors and all(name.startswith("channels.") for name in connectors)
    for connector in connectors:  # what Rasa's server does with each name in credentials.yml
        module = connector.rsplit(".", 1)[0]
        result = fresh_python(
            f"import importlib, sys, rasa_patches; importlib.import_module({module!r}); "
            "sys.exit(0 if rasa_patches.applied() else 3)"
        )
        assert result.returncode == 0, (connector, result.stderr[-2000:])


def test_the_wrapper_applies_the_fixes_before_rasas_command_line_runs() -> None:
    # rasa.__main__.main is replaced by a probe that reports whether the fix is in place when Rasa's CLI starts.
    probe = (
        "import runpy, sys, rasa.__main__, rasa_patches; "
        "rasa.__main__.main = lambda: sys.exit(0 if rasa_patches.applied() and sys.argv == ['rasa', 'shell'] "
        "else 3); sys.argv = ['-m', 'shell']; runpy.run_module('rasa_patches', run_name='__main__')"
    )
    result = fresh_python(probe)
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_rasa_command_the_project_starts_goes_through_the_wrapper() -> None:
    """rasa shell / run / train / test / data validate from the Makefile, scripts/run.sh and the model tests.
    (`rasa run actions` is the action server: rasa-sdk, which these fixes do not concern.)"""
    makefile = (ROOT / "Makefile").read_text()
    assert "RASA := $(PYTHON) -m rasa_patches" in makefile
    assert re.search(r"^\t\$\(RASA\) train ", makefile, re.M)
    assert re.search(r"^\t\$\(RASA\) data validate", makefile, re.M)
    run_sh = (ROOT / "scripts" / "run.sh").read_text()
    assert "bin/rasa run --model" not in run_sh and "python -m rasa_patches run --model" in run_sh
    assert "bin/rasa shell" not in run_sh
    assistant = (ROOT / "tests" / "model" / "assistant.py").read_text()
    assert re.search(r'\[\s*\*RASA_WITH_FIXES,\s*"run",\s*"--model"', assistant)  # however ruff format lays it out
    assert "*RASA_WITH_FIXES" in (ROOT / "tests" / "model" / "test_stories.py").read_text()
    assert "rasa_patches.apply()" in (ROOT / "tests" / "model" / "conftest.py").read_text()


def test_the_fix_is_active_in_this_test_run() -> None:
    assert RemoteAction._validate_action_result is action_results._validate_action_result


@pytest.mark.parametrize("answer", VALID)
def test_a_valid_answer_is_accepted_as_rasa_accepts_it(action: RemoteAction, answer: dict[str, Any]) -> None:
    assert action_results._RASA_VALIDATE(action, answer)
    assert action._validate_action_result(answer)


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_raises_rasas_own_error(action: RemoteAction, answer: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as rasa_error:
        action_results._RASA_VALIDATE(action, answer)
    with pytest.raises(ValidationError) as patched_error:
        action._validate_action_result(answer)
    assert patched_error.value.message == rasa_error.value.message
    assert "Failed to validate Action server response" in patched_error.value.message


def test_the_schema_is_checked_once_not_per_answer(action: RemoteAction) -> None:
    action_results.response_validator.cache_clear()
    for answer in VALID:
        action._validate_action_result(answer)
    assert action_results.response_validator.cache_info().misses == 1


def _tokens(nlp: Any, text: str) -> list[tuple[str, int, str, str]]:
    return [(token.text, token.idx, token.lemma_, token.pos_) for token in nlp(text)]


def test_spacy_runs_only_the_steps_the_pipeline_reads_and_its_tokens_are_unchanged() -> None:
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.nlu.training_data.loading import load_data

    from rasa_patches import spacy_pipeline

    model_name = next(
        step["model"]
        for step in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
        if step["name"] == "SpacyNLP"
    )
    assert SpacyNLP.load_model is spacy_pipeline.load_model
    ours = SpacyNLP.load_model(model_name).model
    rasas = spacy_pipeline._RASA_LOAD_MODEL(model_name).model  # the parser off, everything else on
    assert "ner" in rasas.pipe_names and "ner" not in ours.pipe_names
    assert set(ours.pipe_names) == spacy_pipeline.READ
    texts = [example.get("text") for example in load_data(str(ROOT / "data" / "nlu")).training_examples]
    assert len(texts) > 500
    changed = [text for text in texts if _tokens(ours, text) != _tokens(rasas, text)]
    assert not changed, changed[:5]


TINY_DOMAIN = """
version: "3.1"
intents: [greet, ask_heat, thank]
entities: [body_part]
slots:
  body_part: {type: text, mappings: [{type: from_entity, entity: body_part}]}
responses:
  utter_greet: [{text: "Hello."}]
  utter_heat: [{text: "Heat helps."}]
  utter_welcome: [{text: "You're welcome."}]
"""
TINY_STORIES = """
version: "3.1"
stories:
- story: heat
  steps: [{intent: greet}, {action: utter_greet}, {intent: ask_heat}, {action: utter_heat}, {intent: thank},
          {action: utter_welcome}]
- story: heat for the back
  steps: [{intent: ask_heat, entities: [{body_part: back}]}, {slot_was_set: [{body_part: back}]},
          {action: utter_heat}]
"""


@pytest.fixture(scope="module")
def small_ted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, ...]:
    """A small TED trained on TINY_STORIES: (config, storage, resource, context, trackers, domain)."""
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.core.training import load_data
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.core.domain import Domain

    tmp_path = tmp_path_factory.mktemp("ted")
    domain = Domain.from_yaml(TINY_DOMAIN)
    (tmp_path / "stories.yml").write_text(TINY_STORIES)
    trackers = load_data(str(tmp_path / "stories.yml"), domain, augmentation_factor=0)
    (tmp_path / "model").mkdir()
    storage, resource = LocalModelStorage(tmp_path / "model"), Resource("ted")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**TEDPolicy.get_default_config(), "epochs": 2, "random_seed": 42}
    TEDPolicy.create(config, storage, resource, context).train(trackers, domain)
    return config, storage, resource, context, trackers, domain


def test_ted_loads_the_quick_way_with_every_weight_and_prediction_of_rasas_way(
    small_ted: tuple[Any, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """rasa_patches.model_loading builds the variables without Rasa's one training step: the loaded model must be
    Rasa's, weight for weight, and predict the same (TED's graph has branches a quick load could miss)."""
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.utils.tensorflow.models import RasaModel

    from rasa_patches import model_loading

    config, storage, resource, context, trackers, domain = small_ted
    assert model_loading.is_applied()

    def no_fallback(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the quick load fell back to Rasa's")

    with monkeypatch.context() as patch:
        patch.setattr(model_loading, "_RASA_LOAD", no_fallback)
        ours = TEDPolicy.load(config, storage, resource, context)
    with monkeypatch.context() as patch:  # restores the class attribute itself, not a method bound to RasaModel
        patch.setattr(RasaModel, "load", classmethod(model_loading._RASA_LOAD))
        rasas = TEDPolicy.load(config, storage, resource, context)
    assert ours.model is not None and rasas.model is not None  # TED falls back to an untrained policy on failure
    assert [weight.name for weight in ours.model.weights] == [weight.name for weight in rasas.model.weights]
    for our_weight, rasas_weight in zip(ours.model.weights, rasas.model.weights, strict=True):
        assert (our_weight.numpy() == rasas_weight.numpy()).all(), our_weight.name
    for tracker in trackers:
        assert (
            ours.predict_action_probabilities(tracker, domain).probabilities
            == rasas.predict_action_probabilities(tracker, domain).probabilities
        )


def test_ted_predicts_through_its_traced_graph_what_its_tf_function_predicts(
    small_ted: tuple[Any, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.utils.tensorflow.models import RasaModel

    from rasa_patches import tf_prediction

    config, storage, resource, context, trackers, domain = small_ted
    assert tf_prediction.is_applied()
    ted = TEDPolicy.load(config, storage, resource, context)
    direct = []
    for tracker in trackers * 2:  # the first prediction traces the graph; every later one calls it directly
        direct.append(ted.predict_action_probabilities(tracker, domain).probabilities)
    assert ted.model is not None and isinstance(ted.model._tf_predict_step, tf_prediction.DirectPrediction)

    def not_called(*args: Any) -> None:
        raise AssertionError("the tf.function was called")

    monkeypatch.setattr(ted.model._tf_predict_step, "function", not_called)  # every call went straight to the graph
    assert [ted.predict_action_probabilities(tracker, domain).probabilities for tracker in trackers * 2] == direct
    monkeypatch.undo()
    ted.model._tf_predict_step = ted.model._tf_predict_step.function  # Rasa's way from here on
    monkeypatch.setattr(RasaModel, "_rasa_predict", tf_prediction._RASA_PREDICT)
    for tracker, probabilities in zip(trackers * 2, direct, strict=True):
        assert ted.predict_action_probabilities(tracker, domain).probabilities == probabilities


def test_event_classes_are_found_by_type_name_as_rasa_finds_them() -> None:
    from rasa.shared.core.events import Event, UserUttered
    from rasa.shared.utils.common import all_subclasses

    from rasa_patches import event_types

    assert event_types.is_applied()
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in sorted(names) * 2:  # the second time from what was kept
        assert Event.resolve_by_type(name) is event_types._RASA_RESOLVE(name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
