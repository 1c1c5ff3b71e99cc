"""Does a message name the back? A message that does is about what this assistant covers, even when the intent
classifier is unsure which question it asks: the classifier's best guess is then a better answer than "I didn't
follow" (components/back_anchor.py)."""

from __future__ import annotations

import re

BACK_WORDS = re.compile(
    r"\b(?:back|backs|bak|spine|spinal|spasms?|spazms?|lumbar|lumbago|sciatica|sciatic|vertebra\w*|coccyx|tailbone"
    r"|(?:slipped|herniated|bulging|prolapsed|ruptured|protruding|degenerat\w*)\s+dis[ck]s?"
    r"|dis[ck]s?\s+(?:hernia\w*|prolapse\w*|bulg\w*|protrusion|degeneration))\b",
    re.IGNORECASE,
)
# "back" that is not the body: "come back", "back to work", "call me back", "get back to you".
NOT_THE_BODY = re.compile(
    r"\b(?:come|came|coming|go|going|went|get|got|getting|call|ring|phone|text|write|bring|be|been|pay|paid|put|"
    r"look|looking|looked|give|hold|sit|lie|lying|fight|hear|heard|way)\s+(?:\w+\s+)?back\b|\bback\s+(?:to|in|home|"
    r"then|later|soon|again|on|up\s+(?:to|with))\b|\bbring\s+it\s+back\b",
    re.IGNORECASE,
)


# "Back" that is another body part's back: "the back of my knee". Legs, thighs and the neck stay: pain there is
# often from the back (sciatica), and the issue keeps back-adjacent questions in scope.
BACK_OF_ANOTHER_PART = re.compile(
    r"\bback\s+of\s+(?:my|the|his|her|your|their)\s+(?:knee|hand|head|throat|eye|mouth|tongue|heel|arm|ear)s?\b",
    re.IGNORECASE,
)
# A spasm said to be somewhere other than the back: "my eyelid keeps twitching, is that a spasm?".
OTHER_PLACE_OF_A_SPASM = re.compile(
    r"\b(?:eyes?|eyelids?|hamstrings?|calf|calves|knees?|elbows?|ankles?|wrists?|toes?|fingers?|thumbs?|hands?|feet"
    r"|foot|jaw|teeth|tooth|stomach|tummy|gut|bowels?|oesophag\w*|esophag\w*|throat|bladder|diaphragm|hiccups?"
    r"|face|facial|cheek|arms?|forearms?|biceps?|triceps?|womb|uterus|period\w*|vocal|muscles?\s+in\s+my\s+leg)\b",
    re.IGNORECASE,
)
SPASM_WORDS = ("spasm", "spasms", "spazm", "spazms")
# An animal owns the back or the sign ("the dog's back legs gave way", "our cat can't walk", "my greyhound gets
# spasms", "one of my heifers went down"), not "I tripped over the dog". Not calves: people have those too.
ANIMAL_OWNER = re.compile(
    r"\b(?:dogs?|cats?|pupp(?:y|ies)|kittens?|horses?|pony|ponies|pets?|rabbits?|greyhounds?|whippets?|labradors?"
    r"|spaniels?|terriers?|dachshunds?|sausage\s+dogs?|collies?|retrievers?|labs|poodles?|pugs?|beagles?|huskies|husky"
    r"|alsatians?|staffies|staffy|corgis?|cockapoos?|labradoodles?|jack\s+russells?|lurchers?"
    r"|cows?|heifers?|bulls?|bullocks?|sheep|ewes?|lambs?|goats?|pigs?|donkeys?|alpacas?|llamas?)"
    r"(?:'s|'|\s+(?:has|had|is|was|went|can't|cannot|couldn't|keeps|kept|just|gets|got|seems|wet|peed|weed|pooed|pooped|soiled))",
    re.IGNORECASE,
)
THE_PERSONS_OWN_BACK = re.compile(
    r"\b(?:my|me)\s+(?:own\s+|lower\s+|upper\s+|poor\s+|bad\s+)?(?:back|spine)\b", re.IGNORECASE
)


def names_the_back(text: str) -> bool:
    text = text or ""
    if about_an_animal(text):
        return False
    return any(_the_persons_back(text, match) for match in BACK_WORDS.finditer(text))


def about_an_animal(text: str) -> bool:
    """The message is about a pet's back, not the person's: a vet's question, not ours."""
    return bool(ANIMAL_OWNER.search(text or "")) and not THE_PERSONS_OWN_BACK.search(text or "")


def _the_persons_back(text: str, match: re.Match[str]) -> bool:
    word = match.group(0).lower()
    if word in SPASM_WORDS:
        return not OTHER_PLACE_OF_A_SPASM.search(text)
    if word == "back" and BACK_OF_ANOTHER_PART.search(text, max(0, match.start() - 5), match.end() + 30):
        return False
    return not _figure_of_speech(text, match)


def _figure_of_speech(text: str, match: re.Match[str]) -> bool:
    if match.group(0).lower() not in ("back", "backs", "bak"):
        return False
    window = text[max(0, match.start() - 25) : match.end() + 15]
    return bool(NOT_THE_BODY.search(window)) and "my back" not in window.lower()
