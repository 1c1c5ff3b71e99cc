"""Staff insight from recorded conversations: plain records read from tracker events, flags, redaction, the
review file, the weekly report's figures and HTML, and the content book. Nothing here imports Rasa: the
scripts read the tracker store through Rasa's API and hand the events over as plain dictionaries."""
