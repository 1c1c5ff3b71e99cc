"""Medicine advice for back pain: what a medicine is, what NICE says, and the cautions for this person.

Plain Python (no Rasa). Facts live in `medicines.yml`, checked once when first loaded.
"""

from backcare.medication.advice import MedicationAdvice, has_general_answer_for, medication_advice
from backcare.medication.catalogue import Catalogue, Condition, Medicine, load_catalogue
from backcare.medication.reading import MedicineReading, mentions_medicine, named_medicines, read_medicine_words

__all__ = [
    "Catalogue",
    "Condition",
    "MedicationAdvice",
    "Medicine",
    "MedicineReading",
    "has_general_answer_for",
    "load_catalogue",
    "medication_advice",
    "mentions_medicine",
    "named_medicines",
    "read_medicine_words",
]
