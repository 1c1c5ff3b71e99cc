"""Rasa server plug-ins: custom NLU graph components, named by module path in config.yml."""
