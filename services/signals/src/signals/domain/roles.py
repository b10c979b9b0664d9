"""The roles the signals rules speak of, as the tokens name them (an actor's role is a plain string)."""

INTERN_BEGELEIDER = "intern_begeleider"
"""IB'er / aandachtsfunctionaris: may correct any signal; one of the four eyes of an erasure."""
ADMINISTRATOR = "beheerder"
"""The school's administrator: the other of the four eyes of an erasure."""
