"""Police-affairs structuring (pure): article text in, frozen dataclasses out.

Persons with ranks and titles, police units, places resolved against the versioned
gazetteer in `data/`, search keys; crimes, legal steps, figures, times, genre and notices
live in sibling modules. No I/O except reading the packaged data files on first use.
"""
