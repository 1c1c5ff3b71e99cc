"""Medicine advice: this person's cautions first, NICE's position, pairs, and honesty about what we don't know."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import textstat
import yaml

from backcare.content import ContentError
from backcare.medication import load_catalogue, medication_advice
from backcare.medication.catalogue import MEDICINES_FILE

# NHS and NICE pages, and the MHRA's Drug Safety Updates on GOV.UK (codeine and breastfeeding; opioids with
# benzodiazepines).
SOURCE_PAGES = re.compile(r"^https://www\.(nhs\.uk|nice\.org\.uk|gov\.uk/drug-safety-update)/")
# The entity values of the contract: every one must have an entry, so none falls through to "I can't advise".
CONTRACT_MEDICATIONS = [
    "ibuprofen",
    "naproxen",
    "paracetamol",
    "codeine",
    "co_codamol",
    "diazepam",
    "topical_nsaid",
    "opioid",
    "aspirin",
    "muscle_relaxant",
    "antidepressant",
    "gabapentinoid",
    "tramadol",
]
CONTRACT_CONDITIONS = [
    "asthma",
    "pregnancy",
    "breastfeeding",
    "stomach_ulcer",
    "kidney_disease",
    "liver_disease",
    "heart_disease",
    "high_blood_pressure",
    "blood_thinner",
    "over_65",
    "alcohol",
    "driving",
    "ibd",
    "nsaid_allergy",
    "stroke",
]
CATALOGUE = load_catalogue()


def advice_text(medications: list[str], conditions: list[str] = ()) -> str:
    return medication_advice(medications, list(conditions)).text


# --- one medicine, this person's conditions ------------------------------------------------------------


def test_asthma_caution_comes_first_for_ibuprofen() -> None:
    advice = medication_advice(["ibuprofen"], ["asthma"])
    assert advice.known and advice.cautions == ["asthma"]
    assert advice.text.startswith("**Before you use ibuprofen:**")
    assert advice.text.index("asthma worse") < advice.text.index("Ibuprofen is")


@pytest.mark.parametrize("condition", ["blood_thinner", "warfarin", "Apixaban"])
def test_naproxen_with_a_blood_thinner_warns(condition: str) -> None:
    advice = medication_advice(["naproxen"], [condition])
    assert advice.cautions == ["blood_thinner"]
    assert "blood thinner" in advice.text and "Do not use naproxen" in advice.text


def test_ibuprofen_in_pregnancy_is_usually_avoided() -> None:
    text = advice_text(["ibuprofen"], ["pregnancy"])
    assert "avoided in pregnancy" in text and "20 weeks" in text


@pytest.mark.parametrize(
    "condition,words",
    [
        ("stomach_ulcer", "stomach ulcer"),
        ("kidney_disease", "kidney problems"),
        ("heart_disease", "heart problems"),
        ("over_65", "Over 65"),
        ("ibd", "Crohn's"),
        ("nsaid_allergy", "do not use"),
    ],
)
def test_each_nsaid_caution_reaches_the_person(condition: str, words: str) -> None:
    advice = medication_advice(["ibuprofen"], [condition])
    assert advice.cautions == [condition] and words in advice.text


def test_only_the_persons_own_cautions_are_shown() -> None:
    text = advice_text(["ibuprofen"], ["asthma"])
    assert "pregnan" not in text and "kidney" not in text


def test_condition_without_checked_advice_is_acknowledged_and_sent_to_the_pharmacist() -> None:
    # Issue 17: "no specific warning" read as reassurance; the answer now says there is no checked advice.
    advice = medication_advice(["paracetamol"], ["asthma", "diabetes"])
    assert advice.cautions == []
    assert "I don't have checked advice about paracetamol and asthma or diabetes" in advice.text
    assert "ask them before you take paracetamol" in advice.text


def test_without_conditions_it_lists_who_must_check_first() -> None:
    text = advice_text(["ibuprofen"])
    assert "Check with a pharmacist or GP first if you:" in text
    for who in ("have asthma", "are pregnant", "are over 65", "take a blood thinner", "have kidney problems"):
        assert who in text


def test_paracetamol_answer_carries_nice_not_alone() -> None:
    text = advice_text(["paracetamol"])
    assert "NICE says do not use paracetamol alone" in text
    assert "cold and flu" in text


def test_codeine_mentions_addiction_and_three_days() -> None:
    text = advice_text(["codeine"])
    assert "addiction" in text and "3 days" in text and "constipation" in text
    assert "not for long-term back pain" in text


def test_co_codamol_already_contains_paracetamol() -> None:
    assert "do not take paracetamol as well" in advice_text(["co-codamol"])


def test_diazepam_mentions_drowsiness_and_driving() -> None:
    text = advice_text(["diazepam"], ["driving"])
    assert "drowsy" in text and "Do not drive" in text and "addiction" in text
    assert "GP" in text


def test_muscle_relaxant_question_corrects_the_ibuprofen_myth() -> None:
    text = advice_text(["muscle_relaxant"])
    assert "Ibuprofen and naproxen do not relax muscles" in text and "diazepam" in text


@pytest.mark.parametrize("medicine", ["antidepressant", "gabapentinoid"])
def test_nice_advises_against_antidepressants_and_gabapentinoids(medicine: str) -> None:
    assert "should not be offered for low back pain" in advice_text([medicine])


def test_tramadol_is_answered_as_an_opioid_without_invented_facts() -> None:
    text = advice_text(["tramadol"])
    assert "opioid" in text and "addiction" in text and "no advice on tramadol itself" in text


@pytest.mark.parametrize("brand,name", [("Nurofen", "Ibuprofen"), ("calpol", "Paracetamol"), ("Valium", "Diazepam")])
def test_brand_names_are_understood(brand: str, name: str) -> None:
    advice = medication_advice([brand], [])
    assert advice.known and f"{name} is" in advice.text


# --- pairs ----------------------------------------------------------------------------------------------


def test_ibuprofen_and_paracetamol_may_be_taken_together() -> None:
    text = advice_text(["ibuprofen", "paracetamol"])
    assert text.startswith("You can take ibuprofen and paracetamol together")
    assert "Never take more" in text


@pytest.mark.parametrize("pair", [["ibuprofen", "naproxen"], ["aspirin", "ibuprofen"], ["naproxen", "aspirin"]])
def test_two_nsaids_together_are_refused(pair: list[str]) -> None:
    text = advice_text(pair)
    assert text.startswith("Do not take") and "NSAIDs" in text


@pytest.mark.parametrize("pair", [["paracetamol", "co_codamol"], ["co_codamol", "paracetamol"]])
def test_double_paracetamol_is_refused(pair: list[str]) -> None:
    text = advice_text(pair)
    assert text.startswith("Do not take") and "both contain paracetamol" in text


def test_codeine_with_co_codamol_is_double_codeine() -> None:
    assert "both contain codeine" in advice_text(["codeine", "co_codamol"])


def test_opioid_with_diazepam_warns_about_drowsiness_and_breathing() -> None:
    # Issue 17 (MHRA 2020): drowsiness alone understated it; together they can slow or stop breathing.
    text = advice_text(["diazepam", "codeine"])
    assert "both make you drowsy" in text and "slow your breathing or even stop it" in text


def test_pair_without_checked_advice_goes_to_the_pharmacist() -> None:
    text = advice_text(["tramadol", "gabapentinoid"])
    assert "I don't have checked advice on taking tramadol with gabapentin or pregabalin" in text


def test_pair_answer_keeps_the_persons_cautions() -> None:
    advice = medication_advice(["ibuprofen", "paracetamol"], ["asthma"])
    assert advice.cautions == ["asthma"] and "asthma worse" in advice.text
    assert advice.text.index("asthma worse") < advice.text.index("You can take")


# --- unknown and empty ------------------------------------------------------------------------------------


def test_unknown_medicine_is_an_honest_referral() -> None:
    advice = medication_advice(["snake oil"], ["asthma"])
    assert advice.known is False
    assert "can't advise on snake oil" in advice.text and "pharmacist" in advice.text
    assert advice.cautions == [] and advice.sources == []


def test_unknown_beside_a_known_medicine_still_answers_the_known_one() -> None:
    advice = medication_advice(["ibuprofen", "snake_oil"], [])
    assert advice.known is False
    assert "can't advise on snake oil" in advice.text and "Ibuprofen is" in advice.text


def test_no_medicine_named_gives_nices_first_choice() -> None:
    advice = medication_advice([], [])
    assert advice.known and "NICE" in advice.text and advice.sources


# --- safety of every answer -----------------------------------------------------------------------------


@pytest.mark.parametrize("medicine", CONTRACT_MEDICATIONS)
def test_every_contract_medicine_has_an_answer_without_doses(medicine: str) -> None:
    advice = medication_advice([medicine], [])
    assert advice.known and advice.buttons
    assert advice.sources and all(SOURCE_PAGES.match(source) for source in advice.sources)
    assert not re.search(r"\d+\s*(mg|milligram|g\b|ml|tablets? (a|per) day)", advice.text, re.IGNORECASE)


def test_every_contract_condition_is_known() -> None:
    assert all(CATALOGUE.condition(condition) for condition in CONTRACT_CONDITIONS)


@pytest.mark.parametrize("medicine", CATALOGUE.medicines.values(), ids=lambda medicine: medicine.id)
def test_medicine_descriptions_are_plain_english(medicine) -> None:
    for field in ("what_it_is", "how_it_may_help", "nice_position"):
        text = getattr(medicine, field)
        assert textstat.flesch_reading_ease(text) >= 60, f"{medicine.id}.{field}: {text}"


@pytest.mark.parametrize("medicine", CATALOGUE.medicines.values(), ids=lambda medicine: medicine.id)
def test_medicine_is_sourced_and_reviewed(medicine) -> None:
    assert medicine.sources and all(SOURCE_PAGES.match(source) for source in medicine.sources)
    assert medicine.reviewed in (dt.date(2026, 11, 26), dt.date(2026, 12, 2))  # 2026-12-02: issue 17


def test_over_the_counter_painkillers_carry_the_label_rule() -> None:
    for medicine in ("ibuprofen", "paracetamol", "co_codamol"):
        assert "never more than the label says" in advice_text([medicine])


# --- the data file --------------------------------------------------------------------------------------


def _broken(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(MEDICINES_FILE.read_text())
    change(document)
    path = tmp_path / "medicines.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def _first_medicine(document: dict) -> dict:
    return document["medicines"][0]


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: _first_medicine(d).pop("sources"), "sources"),
        (lambda d: _first_medicine(d).pop("reviewed"), "reviewed"),
        (lambda d: _first_medicine(d).update(dosage="400mg"), "unknown key"),
        (lambda d: _first_medicine(d).update(what_it_is=""), "what_it_is"),
        (lambda d: _first_medicine(d).update(kind="sweets"), "kind"),
        (lambda d: _first_medicine(d).update(next_step="friend"), "next_step"),
        (lambda d: _first_medicine(d).update(condition_cautions={"gout": "No."}), "unknown condition"),
        (lambda d: _first_medicine(d).update(nice_position="NICE likes {nmae}."), "placeholder"),
        (lambda d: d["pairs"][0].update(a=["unicorn"]), "known medicines"),
        (lambda d: d["kinds"]["nsaid"].pop("sources"), "sources"),
        (lambda d: d.update(extras={}), "unknown key"),
    ],
)
def test_broken_medicines_file_is_refused(tmp_path: Path, change, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        load_catalogue(_broken(tmp_path, change))


def test_content_error_is_a_value_error() -> None:
    assert issubclass(ContentError, ValueError)
