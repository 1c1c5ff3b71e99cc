"""Rasa server side-car: the action gateway between the Rasa server and the action server."""
