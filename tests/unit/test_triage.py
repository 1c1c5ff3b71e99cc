"""Red-flag triage: what a person with a warning sign is told, and what a person without one is not."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import textstat
import yaml

from backcare.content import ContentError
from backcare.triage import (
    Level,
    detect_red_flags,
    disposition,
    highest_level,
    load_advice,
    load_red_flags,
    screening_disposition,
    screening_level,
    screening_questions,
    triage_message,
)
from backcare.triage.advice import ADVICE_FILE
from backcare.triage.detector import RED_FLAGS_FILE

# NHS and NICE pages, and the MHRA's drug safety updates on GOV.UK (medicines taken together).
SOURCE_PAGES = re.compile(r"^https://www\.(nhs\.uk|nice\.org\.uk|gov\.uk/drug-safety-update)/")

# (message, the flag it must raise). Typos, slang and questions buried in stories on purpose.
RED_FLAG_MESSAGES = [
    # Issue 16, fourth round: a drop of some metres, a vehicle on its side, breathing slowed by painkillers.
    ("I came down off the scaffold tower, about 4 metres, and landed on my back", "major_trauma"),
    ("the van tipped over on its side on the motorway this morning and now my back is locked", "major_trauma"),
    ("my breathing has gone really slow since I took the codeine with my diazepam", "slowed_breathing"),
    ("cant stay awake since I took the tramadol and the diazepam together", "slowed_breathing"),
    ("since this morning I need to go all the time but hardly anything comes out", "bladder_problem"),
    ("my bladder feels full all the time even after I've been", "bladder_problem"),
    ("my dad says he can't feel his feet properly, both of them, since lunch", "both_legs"),
    ("the spasm is right up high, across the top between my shoulder blades", "upper_back_origin"),
    ("grandad went down the entire flight of stairs last night and his back is in spasm", "major_trauma"),
    ("lying totally still it still throbs, rest makes absolutely no difference", "night_pain"),
    ("my back has gone a weird shape and one side is sticking out", "lump_or_shape"),
    ("a taxi ploughed into the back of my car at the roundabout and now my back is in spasm", "major_trauma"),
    ("cant pee since this morning", "bladder_problem"),
    ("I can't wee properly and my back is in spasm", "bladder_problem"),
    ("wet myself last night for the first time ever", "bladder_problem"),
    ("havent been able to wee since yesterday", "bladder_problem"),
    ("struggling to pass urine since my back went", "bladder_problem"),
    ("i cnt feel when i need a wee anymore", "bladder_problem"),
    ("Im not sure if I can pee properly", "bladder_problem"),
    ("I pooed myself at work today", "bowel_control"),
    ("I've lost control of my bowels", "bowel_control"),
    ("numb down there since I lifted the sofa", "saddle_numbness"),
    ("I've got a numb bum and my back is agony", "saddle_numbness"),
    ("cant feel my privates", "saddle_numbness"),
    ("my groin feels numb", "saddle_numbness"),
    ("numbnes around my back passage", "saddle_numbness"),
    ("it feels weird when i wipe", "saddle_numbness"),
    ("tingly feeling between my legs", "saddle_numbness"),
    ("pins and needles in my bum cheeks", "saddle_numbness"),
    ("both my legs are tingling", "both_legs"),
    ("I've got sciatica down both legs", "both_legs"),
    ("the pain is going down both legs now", "both_legs"),
    ("my legs feel really weak", "both_legs"),
    ("it's in both my legs", "both_legs"),
    ("my legs keep giving way", "walking_difficulty"),
    ("I can barely walk, my leg gave way on the stairs", "walking_difficulty"),
    ("i can't get an erection since my back went", "sexual_dysfunction"),
    ("no feeling during sex anymore", "sexual_dysfunction"),
    ("chest pains with my back ache", "chest_pain"),
    ("the pain is spreading into my chest", "chest_pain"),
    ("tight chest and my back hurts", "chest_pain"),
    ("fell off a ladder clearing the gutters", "major_trauma"),
    ("was in a car crash last week and now my back is bad", "major_trauma"),
    ("I got knocked off my bike by a van", "major_trauma"),
    ("fell from the loft hatch about 4 metres onto the floor", "major_trauma"),
    ("my chest is really sore on the left and my back is in spasm", "chest_pain"),
    ("my dad rolled his tractor this afternoon and his back is agony", "major_trauma"),
    ("doing a number two makes my back go into spasm", "worse_cough_sneeze"),
    ("my top of the back, between my shoulders, keeps spasming and getting worse", "upper_back_origin"),
    ("I keep having accidents, I don't realise I need the loo until it's too late", "bladder_problem"),
    ("there's a hard lump just beside my spine", "lump_or_shape"),
    ("got a tight pain at the front of my chest as well as my back", "chest_pain"),
    ("I'm shaking with cold but my forehead is roasting", "fever"),
    ("why is my back worse at night? fine-ish in the day", "night_pain"),
    ("my son cannot feel his own legs since the fall", "both_legs"),
    ("I can't feel my own legs this morning", "both_legs"),
    ("car got written off on the motorway this morning and now my back is in spasm", "major_trauma"),
    ("totalled my van on the roundabout, back is killing", "major_trauma"),
    ("sudden tearing pain in my back", "tearing_pain"),
    ("I'm hot and shivery and my back aches", "fever"),
    ("feverish with back pain", "fever"),
    ("got a temperature of 38.5", "fever"),
    ("losing weight without trying", "weight_loss"),
    ("I've lost a stone and I'm not even trying", "weight_loss"),
    ("there's a lump on my lower back", "lump_or_shape"),
    ("my spine looks crooked now", "lump_or_shape"),
    ("it's always worse at night", "night_pain"),
    ("it wakes me up at night", "night_pain"),
    ("resting does nothing for it, the pain is the same", "night_pain"),
    ("it is just as bad lying still as when I walk about", "night_pain"),
    ("the pain doesn't ease even when resting", "night_pain"),
    ("hurts like hell when i sneeze", "worse_cough_sneeze"),
    ("every single sneeze feels like a knife in my lower back", "worse_cough_sneeze"),
    ("coughs are agony in my back", "worse_cough_sneeze"),
    ("coughing makes it shoot down my leg", "worse_cough_sneeze"),
    ("pain between my shoulder blades", "upper_back_origin"),
    ("my upper back is aching", "upper_back_origin"),
    ("I had cancer 3 years ago", "cancer_history"),
    ("I was treated for breast cancer last year", "cancer_history"),
    ("on steroids for years for my lungs", "osteoporosis_steroids"),
    ("I have osteoporosis", "osteoporosis_steroids"),
    ("my gran has thin bones and she bumped her back on the door", "fragility_injury"),
    ("had a bad fall on the ice", "minor_injury_fall"),
    ("I tripped over the dog", "minor_injury_fall"),
    ("I have ankylosing spondylitis", "inflammatory_disease"),
    ("it's getting worse every day", "worsening_over_weeks"),
    ("hasn't improved after 6 weeks", "worsening_over_weeks"),
    # Wordings the independent set (tests/safety/independent.yml) showed were missing, paraphrased here.
    ("my bottom and my inner thighs feel tingly", "saddle_numbness"),
    ("like the dentist's anaesthetic round my back passage", "saddle_numbness"),
    ("i need to pee but nothing happens", "bladder_problem"),
    ("having trouble starting a pee since this morning", "bladder_problem"),
    ("i can't control when i wee", "bladder_problem"),
    ("no longer get the urge to go to the toilet", "bladder_problem"),
    ("i've had a few accidents today", "bladder_problem"),
    ("he had an accident in his trousers", "bladder_problem"),
    ("i keep wetting myself", "bladder_problem"),
    ("dad has lost control of his bowels", "bowel_control"),
    ("i'm tripping over my own feet", "walking_difficulty"),
    ("a heavy ache across the centre of my chest", "chest_pain"),
    ("i came off my motorbike", "major_trauma"),
    ("it wakes me every night", "night_pain"),
    ("worse as soon as i get into bed", "night_pain"),
    ("my back twinges when i have a poo", "worse_cough_sneeze"),
    ("every cough sends pain down my back", "worse_cough_sneeze"),
    ("hurts wen i sneeze", "worse_cough_sneeze"),
    ("dropped a stone w/o trying", "weight_loss"),
]

# Ordinary back-pain talk that names body parts, sensations and activities but is no red flag.
ORDINARY_MESSAGES = [
    "I do slow breathing exercises when the spasm grips",
    "had an accident in the car park, scraped the bumper, my back is stiff from twisting round",
    "my back pain is no different when I cough, it is bending that hurts",
    "I have had health anxiety for ages, every twinge feels like cancer",
    "could my back spasm be caused by a tumour?",
    "awful heartburn after tea, burning up my chest, what can I take",
    "my lower back is stiff",
    "that interview was a total car crash, and now my back is stiff",
    "headache for days, could it be a brain tumour?",
    "my gran fell over in the seventies, in the 70s, and now my back aches",
    "chest pain? no. legs? fine. just a tight back, heat or ice?",
    "I work with patients who have lost control of their bladder, when can I lift again?",
    "years ago I had a car crash, long healed, now my back spasms from sitting",
    "Chest pain is not there, only the back spasm when I bend",
    "I've got no temperature, just stiffness",
    "my back was written off as just a spasm by the GP",
    "rolled over in bed and my back went",
    "every time I sit down it eases off",
    "my back locked up when I bent down to tie my shoelace",
    "I have a spasm in my lower back",
    "my neck is sore from sleeping funny",
    "pain in my right buttock when I sit",
    "numbness in my left leg",
    "my left leg tingles after sitting too long",
    "my leg is weak",
    "the pain is going down my left leg",
    "I have sciatica in my right leg",
    "my hamstrings are tight",
    "I pulled a muscle in my back at the gym",
    "my shoulder hurts when I lift my arm",
    "my hip clicks when I walk",
    "it hurts to bend over",
    "I can't bend down to put my socks on",
    "I can't sit for long",
    "I can't sleep on my side",
    "my back went when I sneezed yesterday",
    "my back is worse in the morning",
    "I've had back pain for 3 days",
    "I slipped a disc years ago",
    "I think I've got a trapped nerve",
    "my calf cramps at night",
    "walking helps",
    "I feel stiff after driving",
    "I drove my car to work and my back ached",
    "I hurt my back lifting a chest of drawers",
    "I did chest press at the gym and now my back hurts",
    "I fell asleep on the sofa and woke up stiff",
    "I have hay fever and back pain",
    "I'm trying to lose weight to help my back",
    "had a steroid injection in my back last year",
    "I use a steroid inhaler for asthma",
    "my bum hurts from sitting on a hard chair",
    "pain at the bottom of my spine",
    "I get pins and needles in my hand",
    "my back feels weak",
    "it burns when I pee",
    "pain in my groin when I walk",
    "I sat with both my legs crossed",
    "my partner had a fall last year",
    "I'm scared it might be cancer",
    "my mum had breast cancer",
    "my dad had a car crash",
    "I'm a cancer nurse and I hurt my back lifting a patient",
    "it's better than yesterday",
    # Events long past, hypotheticals and definitions name a sign without having it.
    "my car crash was five years ago and this spasm is from gardening",
    "I slipped on the ice as a kid",
    "had a temperature last month, fine now",
    "the leaflet says go to A&E if you can't pee",
    "what is saddle anaesthesia?",
]

NEGATED_MESSAGES = [
    "no numbness down there",
    "I don't have any numbness in my groin",
    "not numb around my bottom",
    "my groin isn't numb but my back hurts",
    "no problems peeing",
    "I can pee fine",
    "bladder is fine",
    "I haven't had any trouble peeing",
    "I haven't lost control of my bowels",
    "no fever",
    "no fever or chills",
    "never had cancer",
    "I've never been on steroids",
    "no pins and needles in both legs",
    "no erection problems",
    "I can walk fine",
    "no chest pain",
    "it's not worse at night",
    "not been in a car crash",
    "No numbness no tingling no bladder issues just a stiff back",
]


def flag_ids(message: str) -> list[str]:
    return [match.flag_id for match in detect_red_flags(message)]


@pytest.mark.parametrize("message,flag_id", RED_FLAG_MESSAGES)
def test_red_flag_is_recognised_at_its_level(message: str, flag_id: str) -> None:
    flags = {flag.id: flag for flag in load_red_flags()}
    matches = detect_red_flags(message)
    assert flag_id in [m.flag_id for m in matches], f"{message!r} -> {matches}"
    assert highest_level(matches) is flags[flag_id].level


def test_every_red_flag_is_covered_by_a_test_message() -> None:
    tested = {flag_id for _, flag_id in RED_FLAG_MESSAGES}
    assert tested == {flag.id for flag in load_red_flags()}


def test_emergency_and_urgent_signs_are_at_the_levels_the_nhs_gives() -> None:
    levels = {flag.id: flag.level for flag in load_red_flags()}
    for flag_id in (
        "saddle_numbness",
        "bladder_problem",
        "bowel_control",
        "both_legs",
        "walking_difficulty",
        "sexual_dysfunction",
        "chest_pain",
        "major_trauma",
        "slowed_breathing",
    ):
        assert levels[flag_id] is Level.EMERGENCY
    for flag_id in (
        "fever",
        "weight_loss",
        "lump_or_shape",
        "night_pain",
        "worse_cough_sneeze",
        "upper_back_origin",
        "cancer_history",
        "osteoporosis_steroids",
        "fragility_injury",
    ):
        assert levels[flag_id] is Level.URGENT


@pytest.mark.parametrize("message", ORDINARY_MESSAGES)
def test_ordinary_back_pain_talk_raises_no_flag(message: str) -> None:
    assert flag_ids(message) == []


@pytest.mark.parametrize("message", NEGATED_MESSAGES)
def test_denied_sign_is_not_a_match(message: str) -> None:
    assert flag_ids(message) == []


@pytest.mark.parametrize(
    "message",
    [
        "not sure if my groin is numb",
        "maybe a bit numb down there?",
        "hard to tell if my bum is numb",
        "I dont know if ive wet myself or its sweat",
    ],
)
def test_unsure_mention_still_counts(message: str) -> None:
    assert highest_level(detect_red_flags(message)) is Level.EMERGENCY


@pytest.mark.parametrize(
    "message,flag_id",
    [
        ("what stretches help? also my groin feels numb", "saddle_numbness"),
        ("how long will it last? btw I had a car accident last week", "major_trauma"),
        ("I want to book an appointment, I can't wee", "bladder_problem"),
        ("no fever, but I can't pee", "bladder_problem"),
        ("I don't have chest pain but both my legs are numb", "both_legs"),
        ("No I have chest pain", "chest_pain"),
    ],
)
def test_sign_inside_another_question_or_after_a_denial_is_found(message: str, flag_id: str) -> None:
    assert flag_id in flag_ids(message)
    assert highest_level(detect_red_flags(message)) is Level.EMERGENCY


def test_matches_come_in_message_order_with_the_words_that_matched() -> None:
    matches = detect_red_flags("I\u2019m hot and shivery and I can\u2019t pee")
    assert [m.flag_id for m in matches] == ["fever", "bladder_problem"]
    assert matches[1].text == "can\u2019t pee"
    assert matches[1].label and matches[1].level is Level.EMERGENCY


def test_a_serious_fall_is_not_also_read_back_as_a_minor_one() -> None:
    assert flag_ids("fell off a ladder") == ["major_trauma"]


def test_no_match_is_routine() -> None:
    assert highest_level([]) is Level.ROUTINE
    assert highest_level(detect_red_flags("")) is Level.ROUTINE


# --- dispositions ----------------------------------------------------------------------------------------


def reply_for(message: str):
    matches = detect_red_flags(message)
    return disposition(highest_level(matches), matches)


def test_emergency_reply_sends_to_999_names_the_sign_and_offers_nothing_else() -> None:
    reply = reply_for("my groin feels numb and I can't wee")
    assert reply.level is Level.EMERGENCY
    assert "999" in reply.text and "A&E" in reply.text
    assert "numbness or tingling around your genitals" in reply.text
    assert "trouble peeing" in reply.text
    assert "cauda equina" in reply.text
    assert not any("book" in b.payload for b in reply.buttons)
    for self_care in ("heat", "ice", "stretch", "book", "exercise"):
        assert self_care not in reply.text.lower()


def test_chest_pain_reply_says_it_may_be_the_heart() -> None:
    reply = reply_for("chest pains")
    assert reply.level is Level.EMERGENCY
    assert "heart" in reply.text


def test_urgent_reply_asks_for_gp_or_111_today_and_says_when_to_call_999() -> None:
    reply = reply_for("I've got a fever and my back is killing me")
    assert reply.level is Level.URGENT
    assert "urgent appointment" in reply.text and "111" in reply.text and "today" in reply.text
    assert "high temperature" in reply.text
    assert "/ask_nhs" in [b.payload for b in reply.buttons]
    assert "/book_appointment" not in [b.payload for b in reply.buttons]


def test_routine_reply_gives_self_care_and_offers_booking() -> None:
    reply = reply_for("my lower back is stiff")
    assert reply.level is Level.ROUTINE
    assert "heat or ice" in reply.text and "999" in reply.text
    assert "/book_appointment" in [b.payload for b in reply.buttons]


def test_routine_flag_nudges_towards_a_gp_or_physio() -> None:
    reply = reply_for("it's getting worse and worse")
    assert reply.level is Level.ROUTINE
    assert "getting worse" in reply.text and "GP or physio" in reply.text


def test_reply_names_only_the_signs_at_its_level() -> None:
    reply = reply_for("I have a fever and I can't pee")
    assert reply.level is Level.EMERGENCY
    assert "temperature" not in reply.text


@pytest.mark.parametrize("flag", load_red_flags(), ids=lambda flag: flag.id)
def test_reply_for_each_sign_is_plain_english(flag) -> None:
    from backcare.triage import RedFlagMatch

    reply = disposition(flag.level, [RedFlagMatch(flag.id, flag.level, flag.label, "x", flag.concern)])
    assert textstat.flesch_reading_ease(reply.text.replace("*", "")) >= 60, reply.text


@pytest.mark.parametrize("level", list(Level))
def test_reply_without_named_signs_is_plain_english(level: Level) -> None:
    reply = disposition(level)
    assert reply.text and textstat.flesch_reading_ease(reply.text.replace("*", "")) >= 60


# --- screening questions ---------------------------------------------------------------------------------


def test_screening_asks_the_six_questions_in_plain_english() -> None:
    questions = {q.id: q for q in screening_questions()}
    assert set(questions) == {
        "bladder_bowel",
        "saddle_numbness",
        "leg_weakness",
        "fever",
        "recent_injury",
        "cancer_history",
    }
    assert questions["bladder_bowel"].level is Level.EMERGENCY
    assert questions["fever"].level is Level.URGENT
    for question in questions.values():
        assert question.text.endswith("?")
        assert textstat.flesch_reading_ease(question.text) >= 60, question.text


@pytest.mark.parametrize(
    "answers,level",
    [
        ({}, Level.ROUTINE),
        ({"bladder_bowel": "no", "saddle_numbness": "no", "fever": "no"}, Level.ROUTINE),
        ({"saddle_numbness": "yes"}, Level.EMERGENCY),
        ({"fever": "yes"}, Level.URGENT),
        ({"cancer_history": "Yes "}, Level.URGENT),
        ({"bladder_bowel": "unsure"}, Level.URGENT),
        ({"fever": "unsure"}, Level.URGENT),
        ({"bladder_bowel": "unsure", "recent_injury": "yes"}, Level.EMERGENCY),
    ],
)
def test_screening_level(answers: dict[str, str], level: Level) -> None:
    assert screening_level(answers) is level


def test_unsure_about_an_emergency_sign_means_call_111_now() -> None:
    reply = screening_disposition({"saddle_numbness": "unsure", "fever": "no"})
    assert reply.level is Level.URGENT
    assert "not sure about numbness around your bottom" in reply.text
    assert "NHS 111 now" in reply.text


def test_screening_yes_is_named_in_the_reply() -> None:
    reply = screening_disposition({"recent_injury": "yes"})
    assert reply.level is Level.EMERGENCY and "serious accident" in reply.text


@pytest.mark.parametrize("answers", [{"bladder_bowel": "maybe"}, {"headache": "yes"}])
def test_screening_refuses_answers_it_does_not_understand(answers: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"must be one of|unknown screening question"):
        screening_level(answers)


# --- the data files --------------------------------------------------------------------------------------


def test_every_entry_is_sourced_from_nhs_nice_or_mhra_and_reviewed() -> None:
    advice = load_advice()
    entries = [*load_red_flags(), *advice.questions, *advice.dispositions.values()]
    for entry in entries:
        assert entry.sources and all(SOURCE_PAGES.match(source) for source in entry.sources), entry
        assert dt.date(2026, 11, 26) <= entry.reviewed <= dt.date.today(), entry


def _broken_red_flags(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(RED_FLAGS_FILE.read_text())
    change(document["flags"][0])
    path = tmp_path / "red_flags.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda flag: flag.pop("sources"), "sources"),
        (lambda flag: flag.pop("reviewed"), "reviewed"),
        (lambda flag: flag.update(colour="red"), "unknown key"),
        (lambda flag: flag.update(label="  "), "label"),
        (lambda flag: flag.update(level="soonish"), "level"),
        (lambda flag: flag.update(patterns=[]), "pattern"),
        (lambda flag: flag.update(patterns=["numb ("]), "bad pattern"),
        (lambda flag: flag.update(patterns=["{NOT_A_WORD} bum"]), "unknown vocabulary"),
    ],
)
def test_broken_red_flag_file_is_refused(tmp_path: Path, change, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_red_flags(_broken_red_flags(tmp_path, change))


def test_emergency_reply_that_offers_booking_is_refused(tmp_path: Path) -> None:
    document = yaml.safe_load(ADVICE_FILE.read_text())
    document["dispositions"]["emergency"]["buttons"] = [{"title": "Book", "payload": "/book_appointment"}]
    path = tmp_path / "advice.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    with pytest.raises(ContentError, match="must not offer booking"):
        load_advice(path)


def test_flag_naming_a_missing_concern_is_refused(tmp_path: Path) -> None:
    flags = _broken_red_flags(tmp_path, lambda flag: flag.update(concern="dragons"))
    with pytest.raises(ContentError, match="dragons"):
        load_advice(ADVICE_FILE, flags)


def test_message_with_no_nameable_sign_lists_the_signs_without_declaring_urgency() -> None:
    outcome = triage_message("my back has been playing up, is something wrong with me")
    assert outcome.level is Level.ROUTINE
    assert "Call 999 or go to A&E now" in outcome.text and "NHS 111" in outcome.text
    assert "Please get medical help today" not in outcome.text
    assert textstat.flesch_reading_ease(outcome.text) >= 60


def test_every_intent_keeps_the_999_advice_first_in_an_emergency() -> None:
    """An intent added without its twin in data/rules_emergency.yml would answer an emergency as routine."""
    root = Path(__file__).resolve().parents[2]
    intents = set(yaml.safe_load((root / "domain.yml").read_text())["intents"])
    rules = yaml.safe_load((root / "data" / "rules_emergency.yml").read_text())["rules"]
    covered = {step["intent"] for rule in rules for step in rule["steps"] if "intent" in step}
    assert intents - covered == set()
