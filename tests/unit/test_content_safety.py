"""Issue 17's clinical read, as tests: every text the content can produce is scanned for false reassurance,
and each unsafe finding (1-6) has the behaviour the NHS, NICE and MHRA sources ask for."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

import pytest
import textstat

from actions.screening import ROUTINE_NEXT_STEPS
from backcare.clinic import load_profile
from backcare.content import load_yaml, reading_text
from backcare.guidance import (
    ASK_FOR_MORE,
    GuidanceRequest,
    choose_guidance,
    entry_text,
    profile_fields,
    unknown_treatment_reply,
)
from backcare.knowledge import KnowledgeBase
from backcare.medication import load_catalogue, medication_advice, read_medicine_words
from backcare.triage import Level, disposition, load_advice, load_red_flags
from backcare.triage.advice import ADVICE_FILE
from backcare.triage.detector import RedFlagMatch

KB = KnowledgeBase.load()
BOOK = load_catalogue()
FIELDS = profile_fields(load_profile())
FALSE_REASSURANCE = ("no specific warning", "no warning")


def medicine_texts() -> Iterator[str]:
    conditions = [[c] for c in BOOK.conditions] + [list(BOOK.conditions), ["diabetes"], []]
    for medicine in BOOK.medicines:
        for named in conditions:
            yield medication_advice([medicine], named).text
    for first, second in combinations(BOOK.medicines, 2):
        for named in ([], ["pregnancy"], ["diabetes"]):
            yield medication_advice([first, second], named).text
    for named in conditions:
        yield medication_advice([], named).text


def triage_texts() -> Iterator[str]:
    advice = load_advice()
    for flag in load_red_flags():
        match = RedFlagMatch(flag.id, flag.level, flag.label, "", flag.concern)
        yield disposition(flag.level, [match]).text
    for level in Level:
        yield disposition(level).text
    yield advice.unclear.text
    yield advice.unsure_note
    yield advice.none_found
    yield from (question.text for question in advice.questions)


def every_answer_text() -> Iterator[str]:
    yield from (entry_text(entry, FIELDS) for entry in KB.entries)
    yield from medicine_texts()
    yield from triage_texts()
    yield from (ASK_FOR_MORE, ROUTINE_NEXT_STEPS.text, unknown_treatment_reply("cupping").text)


def test_no_answer_ever_says_no_specific_warning() -> None:
    texts = list(every_answer_text())
    assert len(texts) > 500, "the scan must reach the medicine answers for every condition and pair"
    offending = [text for text in texts if any(words in text.lower() for words in FALSE_REASSURANCE)]
    assert not offending, offending[:3]


# --- finding 1: pregnancy and breastfeeding with each medicine ---------------------------------------------


@pytest.mark.parametrize("medicine", ["codeine", "co_codamol", "tramadol", "diazepam", "opioid", "ibuprofen_codeine"])
def test_pregnancy_says_not_usually_recommended_and_who_to_ask(medicine: str) -> None:
    advice = medication_advice([medicine], ["pregnancy"])
    assert advice.cautions == ["pregnancy"]
    assert "not usually recommended in pregnancy" in advice.text and "midwife" in advice.text


@pytest.mark.parametrize("medicine", ["ibuprofen", "naproxen", "aspirin", "topical_nsaid"])
def test_pregnancy_and_anti_inflammatories_says_avoided_from_20_weeks(medicine: str) -> None:
    text = medication_advice([medicine], ["pregnancy"]).text
    assert "usually avoided in pregnancy" in text and "20 weeks" in text and "midwife" in text


def test_paracetamol_in_pregnancy_is_usually_first_and_still_told_to_the_pharmacist() -> None:
    text = medication_advice(["paracetamol"], ["pregnancy"]).text
    assert "usually the first painkiller" in text and "tell the pharmacist" in text


@pytest.mark.parametrize("medicine", ["codeine", "co_codamol", "ibuprofen_codeine"])
def test_codeine_medicines_must_not_be_used_when_breastfeeding(medicine: str) -> None:
    advice = medication_advice([medicine], ["breastfeeding"])
    assert "Do not take" in advice.text and "breastfeeding" in advice.text
    assert any("gov.uk/drug-safety-update" in source for source in advice.sources), "MHRA is the source"


def test_codeine_without_conditions_lists_breastfeeding_under_do_not_use() -> None:
    text = medication_advice(["co_codamol"], []).text
    do_not = text.index("**Do not use co-codamol if you:**")
    assert text.index("- are breastfeeding", do_not) < text.index("**Check with a pharmacist or GP first")


@pytest.mark.parametrize("medicine", ["tramadol", "diazepam"])
def test_tramadol_and_diazepam_when_breastfeeding_go_to_a_pharmacist_or_gp(medicine: str) -> None:
    text = medication_advice([medicine], ["breastfeeding"]).text
    assert "Ask a pharmacist or GP before you take" in text


def test_a_condition_without_checked_advice_is_said_honestly_and_sent_to_the_pharmacist() -> None:
    text = medication_advice(["naproxen"], ["breastfeeding"]).text
    assert "I don't have checked advice about naproxen and breastfeeding" in text
    assert "tell the pharmacist" in text and "before you take naproxen" in text


# --- finding 2: "what painkiller can I take while pregnant?" ---------------------------------------------


def guidance(intent: str, **kwargs) -> str:
    return choose_guidance(KB, GuidanceRequest(intent=intent, profile_fields=FIELDS, **kwargs)).text


def assert_pregnancy_general(text: str) -> None:
    assert text.startswith("If you are pregnant, paracetamol is usually the first painkiller to try.")
    assert "usually avoided, most of all from 20 weeks" in text and "Codeine" in text and "midwife" in text
    assert "not advised" not in text, "the overview's 'paracetamol alone is not advised' is wrong here"


def test_painkiller_question_in_pregnancy_gets_the_pregnancy_answer() -> None:
    conditions = list(read_medicine_words("what painkiller can I take while pregnant?").conditions)
    assert conditions == ["pregnancy"]
    assert_pregnancy_general(guidance("ask_medication", conditions=conditions))


def test_pregnancy_after_the_medicine_overview_gets_the_pregnancy_answer() -> None:
    conditions = list(read_medicine_words("I'm 20 weeks pregnant").conditions)
    assert_pregnancy_general(
        guidance(
            "inform", conditions=conditions, last_topic="medication_overview", remembered_medications=["ibuprofen"]
        )
    )


def test_breastfeeding_painkiller_question_names_codeine_as_do_not() -> None:
    text = guidance("ask_medication", conditions=["breastfeeding"])
    assert "paracetamol and ibuprofen are usually fine" in text and "Do not take codeine" in text


def test_other_condition_after_the_overview_reminds_to_tell_the_pharmacist() -> None:
    text = guidance("inform", conditions=["asthma"], last_topic="medication_overview")
    assert "anti-inflammatory painkiller" in text and "tell the pharmacist that you have asthma" in text


def test_pregnancy_general_answers_are_plain_english() -> None:
    for answer in BOOK.messages.general_for.values():
        assert textstat.flesch_reading_ease(answer.text) >= 60, answer.text


# --- finding 3: every 999 and same-day sign reaches the person -----------------------------------------

EMERGENCY_SIGNS = (
    "genitals, bottom or back passage",
    "wipe",
    "trouble peeing",
    "wet or soil",
    "both legs",
    "give way",
    "erection",
    "loss of feeling in your genitals",
    "chest pain",
    "serious accident",
)
SAME_DAY_SIGNS = (
    "high temperature",
    "lost weight without trying",
    "lump",
    "changed shape",
    "worse at night",
    "cough, sneeze or poo",
    "between your shoulders",
    "had cancer",
    "steroids",
    "osteoporosis",
)


@pytest.mark.parametrize("sign", EMERGENCY_SIGNS + SAME_DAY_SIGNS)
def test_when_to_get_help_names_every_sign(sign: str) -> None:
    assert sign in guidance("ask_when_to_seek_help")


def test_when_to_get_help_explains_cauda_equina_and_is_not_an_escalation() -> None:
    text = guidance("ask_when_to_seek_help")
    assert "cauda equina syndrome, when the nerves at the bottom of the spine are squashed" in text
    first_sentence = text.split(".")[0]
    assert "999" not in first_sentence, "the widget would mark the answer as an alert"
    assert "Please call 999 or go to A&E now" not in text and "Please get medical help today" not in text


@pytest.mark.parametrize(
    "sign",
    [
        "weight loss",
        "lump",
        "changed shape",
        "worse at night",
        "cough, sneeze or poo",
        "between your shoulders",
        "steroid",
        "osteoporosis",
        "chest pain",
        "erection",
    ],
)
def test_screening_with_no_sign_names_the_signs_it_did_not_ask_about(sign: str) -> None:
    text = load_advice().none_found
    assert text.startswith("Thank you, none of those suggests") and sign in text
    assert "Please call 999" not in text and "Please get medical help today" not in text


@pytest.mark.parametrize("entry", KB.entries, ids=lambda entry: entry.id)
def test_the_detail_that_is_now_sent_is_plain_english(entry) -> None:
    if entry.detail:
        assert textstat.flesch_reading_ease(reading_text(entry.detail)) >= 60, entry.detail


# --- findings 4 and 5: opioid with diazepam; diazepam is not NICE's next step ----------------------------


@pytest.mark.parametrize("opioid", ["codeine", "co_codamol", "tramadol", "ibuprofen_codeine"])
def test_opioid_with_diazepam_warns_that_breathing_can_slow_or_stop(opioid: str) -> None:
    advice = medication_advice([opioid, "diazepam"], [])
    assert "slow your breathing or even stop it" in advice.text
    assert "only take them together if a doctor has prescribed both" in advice.text.lower()
    assert "very sleepy or your breathing is slow" in advice.text
    assert any("benzodiazepines-and-opioids" in source for source in advice.sources)


@pytest.mark.parametrize("medicine", ["diazepam", "muscle_relaxant"])
def test_diazepam_is_not_framed_as_nices_next_step(medicine: str) -> None:
    text = medication_advice([medicine], []).text
    assert "does not list muscle relaxants among the medicines it recommends" in text
    assert "sciatica" in text and "ibuprofen first" not in text


# --- finding 6: allergy, ibuprofen with codeine, gels, tearing pain --------------------------------------


@pytest.mark.parametrize("medicine", ["ibuprofen", "naproxen", "aspirin", "topical_nsaid", "ibuprofen_codeine"])
def test_an_nsaid_allergy_is_do_not_take_never_check_first(medicine: str) -> None:
    text = medication_advice([medicine], []).text
    check_first = text.split("**Check with a pharmacist or GP first if you:**")[-1]
    assert "reacted badly to aspirin" in text.split("**Check with a pharmacist or GP first")[0]
    assert "reacted badly to aspirin" not in check_first


def test_nurofen_plus_is_ibuprofen_with_codeine_not_ibuprofen_alone() -> None:
    reading = read_medicine_words("can i take nurofen plus for my back?")
    medicines = reading.applied_to(["ibuprofen"])  # the model maps "nurofen" to ibuprofen
    assert medicines == ["ibuprofen_codeine"]
    text = medication_advice(medicines, []).text
    assert "two medicines in one tablet" in text and "3 days" in text and "do not take ibuprofen" in text


def test_ibuprofen_with_codeine_beside_ibuprofen_is_double_ibuprofen() -> None:
    assert "both contain ibuprofen" in medication_advice(["ibuprofen_codeine", "ibuprofen"], []).text


def test_a_gel_has_fewer_side_effects_than_tablets() -> None:
    assert "fewer side effects than tablets" in medication_advice(["topical_nsaid"], []).text
    assert "gel on the skin has fewer side effects" in guidance("ask_medication")


def test_tearing_pain_cites_the_nhs_aortic_aneurysm_page() -> None:
    assert "sudden_pain" in load_advice().concerns
    concern = next(c for c in load_yaml(ADVICE_FILE)["concerns"] if c["id"] == "sudden_pain")
    assert concern["sources"] == ["https://www.nhs.uk/conditions/abdominal-aortic-aneurysm/"]
