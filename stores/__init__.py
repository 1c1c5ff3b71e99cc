"""Rasa server plug-ins for the conversation stores, named by module path in endpoints.yml."""
