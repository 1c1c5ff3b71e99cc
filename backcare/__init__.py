"""Domain logic of the back-spasm assistant: plain Python, nothing of Rasa.

Both the Rasa server (NLU components) and the action server import it.
"""
