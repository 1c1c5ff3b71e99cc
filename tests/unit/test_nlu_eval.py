"""The NLU scoring and set loading behind `make eval` and tests/model, checked on hand-worked examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu_eval import cross_validation, metrics, sets
from nlu_eval.evaluate import Scored, is_right
from nlu_eval.parsing import Parse


def test_per_label_scores_match_a_hand_count() -> None:
    gold = ["a", "a", "a", "b", "b", "c"]
    predicted = ["a", "a", "b", "b", "c", "c"]
    scores = metrics.per_label_scores(gold, predicted)
    assert scores["a"] == metrics.Scores(1.0, 2 / 3, 0.8, 3)
    assert scores["b"].precision == 0.5 and scores["b"].recall == 0.5
    assert scores["c"].precision == 0.5 and scores["c"].recall == 1.0
    assert metrics.macro_f1(scores) == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert metrics.top_confusions(gold, predicted) == [("a", "b", 1), ("b", "c", 1)]


def test_a_rejection_is_out_of_scope_or_fallback_and_scope_scores_count_both_sides() -> None:
    scope = metrics.scope_scores(
        ["ask_medication", "nlu_fallback", "greet", "ask_causes"], ["out_of_scope", "nlu_fallback", "ask_treatment"]
    )
    assert scope.oos_recall == pytest.approx(2 / 3)
    assert scope.oos_precision == pytest.approx(2 / 3)
    assert scope.in_scope_false_rejection == 0.25


def test_entities_match_on_type_and_value_per_message() -> None:
    gold = [[("medication", "ibuprofen"), ("condition", "asthma")], [("medication", "naproxen")]]
    predicted = [[("medication", "ibuprofen")], [("medication", "ibuprofen")]]
    scores = metrics.entity_scores(gold, predicted)
    assert scores["medication"].precision == 0.5 and scores["medication"].recall == 0.5
    assert scores["condition"].recall == 0.0


def test_annotations_are_stripped_and_canonical_values_kept() -> None:
    text, entities = sets.parse_annotated(
        'can i take [nurofen]{"entity": "medication", "value": "ibuprofen"} with [asthma](condition)'
    )
    assert text == "can i take nurofen with asthma"
    assert entities == (("medication", "ibuprofen"), ("condition", "asthma"))


def test_scope_labels_and_either_of_two_intents_are_scored_as_meant() -> None:
    two_topics = sets.Case("x", frozenset({"ask_medication", "ask_treatment"}))
    assert is_right(two_topics, "ask_treatment") and not is_right(two_topics, "ask_recovery")
    assert is_right(sets.Case("y", frozenset({sets.IN_SCOPE})), "ask_causes")
    assert not is_right(sets.Case("y", frozenset({sets.IN_SCOPE})), "nlu_fallback")
    assert is_right(sets.Case("z", frozenset({sets.OUT_OF_SCOPE})), "nlu_fallback")
    scored = Scored(
        [two_topics, sets.Case("z", frozenset({sets.OUT_OF_SCOPE}))],
        [Parse("x", "ask_medication", 0.9, ()), Parse("z", "greet", 0.8, ())],
    )
    assert scored.accuracy == 0.5


def test_the_sets_are_big_and_varied_enough() -> None:
    out_of_scope = sets.load_out_of_scope()
    assert len({case.text.lower() for case in out_of_scope}) >= 150
    assert len({case.group for case in sets.load_robustness()}) == 7
    assert len(sets.load_borderline()) >= 30


def test_real_user_files_are_read_with_their_expectations(tmp_path: Path) -> None:
    tsv = tmp_path / "phrases.tsv"
    tsv.write_text('text\tdataset_label\texpect\nmy back "hurts"\tBack pain\tback_domain\nspots\tAcne\tout_of_scope\n')
    cases = sets.load_real_users(tsv)
    assert [(c.text, c.label) for c in cases] == [('my back "hurts"', sets.IN_SCOPE), ("spots", sets.OUT_OF_SCOPE)]


def test_the_comparison_undoes_one_choice_of_config_yml_at_a_time() -> None:
    from nlu_eval import compare

    pipelines = compare.variants()
    chosen = [step["name"] for step in pipelines["config.yml (chosen)"]]
    assert chosen == [step["name"] for step in compare.production_pipeline()]
    assert compare.OUT_OF_SCOPE_GATE in chosen and compare.SPELLING_NORMALISER in chosen
    without_gate = [step["name"] for step in pipelines["config.yml without the out-of-scope gate"]]
    assert without_gate == [name for name in chosen if name != compare.OUT_OF_SCOPE_GATE]
    thresholds = {
        step.get("threshold")
        for step in pipelines["config.yml, fallback threshold 0.45"]
        if step["name"] == "FallbackClassifier"
    }
    assert thresholds == {0.45}
    with_vectors = [step["name"] for step in pipelines["config.yml + spaCy context vectors"]]
    assert with_vectors.index(compare.SPACY_CONTEXT_FEATURIZER["name"]) == chosen.index("SpacyTokenizer") + 1


def test_the_fallback_grid_includes_and_marks_the_setting_in_config_yml() -> None:
    from nlu_eval import fallback_grid

    chosen = fallback_grid.production_fallback()
    grid = {(t, a) for t in fallback_grid.THRESHOLDS for a in fallback_grid.AMBIGUITY_THRESHOLDS}
    assert chosen in grid
    rows = [(0.3, 0.05, (0.9,) * 9), (*chosen, (0.95,) * 9)]
    page = fallback_grid.render(Path("models/m.tar.gz"), rows, "cmd").splitlines()
    marked = [line for line in page if "(config.yml)" in line]
    assert len(marked) == 1 and marked[0].startswith(f"| {chosen[0]:.2f} / {chosen[1]:.2f}")
    assert "| 0.30 / 0.05 | 0.900 |" in "\n".join(page)


def test_intent_cross_validation_drops_only_the_entities_only_diet_step() -> None:
    full = [step["name"] for step in cross_validation.cross_validation_config()["pipeline"]]
    intents_only = [step["name"] for step in cross_validation.cross_validation_config(intents_only=True)["pipeline"]]
    assert "DIETClassifier" in full
    assert intents_only == [name for name in full if name != "DIETClassifier"]
