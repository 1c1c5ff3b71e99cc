"""rasa-sdk adapters: each module reads the tracker, calls the plain `backcare` logic and utters the result."""
