"""Fixtures of the stance tests: the annotations joined once, and the guideline's own examples."""
import pytest

from presslens import stance

# The guideline's own examples, with its labels.
GUIDELINE = [
    ("NATO's door must remain open to Ukraine.", "NATO", "FAVOR"),
    ("Russia has legitimate security concerns that the West refuses to hear.", "Russia", "FAVOR"),
    ("The build-up of NATO military capacity in direct proximity to our borders is a threat.", "NATO", "AGAINST"),
    ("Russian troops shelled residential areas of Kharkiv.", "Russia", "AGAINST"),
    ("The possible outcome of the NATO Summit in Madrid was discussed.", "NATO", "NONE"),
    ("Putin will meet Xi in Beijing on Friday.", "Russia", "NONE"),
    ("NATO is not a threat to anyone.", "NATO", "FAVOR"),
]


@pytest.fixture(scope="session")
def guideline():
    return GUIDELINE


@pytest.fixture(scope="session")
def annotations(study):
    return stance.load_annotations(study)
