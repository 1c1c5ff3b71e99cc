"""NLU quality measurement: the labelled evaluation sets, scoring, and the report behind `make eval`.

`metrics` and `sets` import nothing of Rasa (unit-tested in tests/unit); `parsing` loads a trained model
in-process; `report` writes docs/nlu-report.md; `compare` trains and scores pipeline variants side by side.
"""
