"""`python -m nlu_eval.writers MODEL [SET.yml ...]`: the independent writers' sets through the running assistant.

Starts the assistant (action server and Rasa server, SQLite tracker store in a temporary folder), sends every
case over REST and prints the figures per set (nlu_eval/dialogue.py says how a reply is judged). Without set
files it runs every file in tests/writer_sets/. `--summary-only` prints the figures and nothing of the cases:
for the sealed set, whose cases nobody tuning may read. `--misses` lists every wrong answer.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from nlu_eval.dialogue import (
    ReplyTexts,
    SetScore,
    TrackerReader,
    figures_table,
    load_writer_set,
    miss_lines,
    miss_summary,
    score_set,
    topic_kinds,
    writer_set_paths,
)

# Fixed answers the person can tell apart by their words.
RESPONSE_KINDS = {
    "utter_greet": "greet",
    "utter_goodbye": "goodbye",
    "utter_you_are_welcome": "thanks",
    "utter_iamabot": "bot_challenge",
    "utter_out_of_scope": "out_of_scope",
}


def reply_texts() -> ReplyTexts:
    import yaml

    from backcare.clarify import QUESTION
    from backcare.clinic import load_profile
    from backcare.clinic_answers import clinic_info, insurance_answer, price_text
    from backcare.sign_check import SIGN_CHECK_OPENING
    from backcare.triage import Level
    from backcare.triage.advice import load_advice
    from nlu_eval.sets import ROOT

    domain = yaml.safe_load((ROOT / "domain.yml").read_text())

    def opening(text: str) -> str:
        return " ".join(text.split()).split(". ")[0]

    def response(name: str) -> str:
        return opening(domain["responses"][name][0]["text"])

    profile = load_profile()
    answers = {response(name): kind for name, kind in RESPONSE_KINDS.items()}
    answers.update(
        {
            opening(clinic_info(profile).text): "clinic_info",
            opening(price_text(profile)): "clinic_info",
            opening(insurance_answer(profile, None).text): "insurance",
        }
    )
    return ReplyTexts(
        unclear=opening(load_advice().unclear.text),
        fallback=response("utter_default"),
        clarify=QUESTION,
        sign_check=SIGN_CHECK_OPENING,
        urgent_reminder=opening(load_advice().dispositions[Level.URGENT].reminder),
        answers=answers,
    )


def run(model: Path, paths: list[Path]) -> list[SetScore]:
    from backcare.knowledge import KnowledgeBase
    from tests.model.assistant import start_assistant

    texts, topics = reply_texts(), topic_kinds(KnowledgeBase.load())
    with (
        tempfile.TemporaryDirectory() as work,
        start_assistant(model, Path(work), env={"BOOKING_DB": str(Path(work) / "bookings.db")}) as assistant,
    ):
        tracker = TrackerReader(Path(work) / "tracker.db")
        return [
            score_set(
                load_writer_set(path), lambda text, sender: assistant.send(text, sender=sender), tracker, texts, topics
            )
            for path in paths
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("sets", type=Path, nargs="*")
    parser.add_argument("--summary-only", action="store_true", help="figures only, no case (the sealed set)")
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    scores = run(args.model, args.sets or writer_set_paths())
    print(figures_table(scores))
    if args.json:
        args.json.write_text(json.dumps({s.name: s.figures() for s in scores}, indent=2))
    if args.summary_only:
        return
    for score in scores:
        print(f"\n{score.name}: {miss_summary(score)}")
        if args.misses:
            print("\n".join(miss_lines(score)))


if __name__ == "__main__":
    main()
