"""The document's case (seed 002, §5): the 30 studies of its Table 1, the 16 patients of
its Table 3, D1 = 17 beds, D2 = 23 chairs, D3 = 3 admissions a block, four weeks.

The availability μ of the studies comes from a spreadsheet the document links
to and does not reproduce, so ``AVAILABILITY`` is a choice of ours, written as
rules ``(study, weekdays, part, divisions, patients)``: a plausible weekly
timetable (laboratory early in the morning, imaging through the day, surgery
at the start of afternoons), with mornings 8–12 (divisions 0–7) and afternoons
12–18 (divisions 0–11), Monday to Saturday morning. It lets every patient of
Table 3 be served (a chair patient needs all its studies in one block).

Study names are Table 1's, with two spellings corrected ("Otorrinolaringología"
as its Fig. 2 writes it, "Cirugía maxilofacial").
"""

from __future__ import annotations

from policies.dayhospital.instance import UnitInstance, UnitPatient, availability_from_rules

STUDIES = (
    "Laboratorio",
    "Rayos X",
    "Resonancia",
    "Biopsia",
    "Ecografía",
    "Eco-doppler",
    "Tomografía",
    "Otro",
    "Prueba pulmonar",
    "Gammagrafía",
    "Eco cardiograma",
    "Monitoreo Holter",
    "Otorrinolaringología",
    "Gastroscopia",
    "Exámenes oftalmológicos",
    "Mamografías",
    "Angiografía",
    "Colonoscopia",
    "Papilotomía endoscópica",
    "Eco cardiograma transesofágico",
    "Cirugía traumatológica",
    "Cirugía pediátrica",
    "Cirugía neurológica",
    "Cirugía general",
    "Odontología",
    "Cirugía maxilofacial",
    "Otro 1",
    "Otro 2",
    "Otro 3",
    "Otro 4",
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
SIX_DAYS = (*WEEKDAYS, "sat")
MORNING = tuple(range(8))  # 8:00–12:00
AFTERNOON = tuple(range(12))  # 12:00–18:00

# (study number as in Table 1, weekdays, part, divisions, patients per division)
AVAILABILITY = (
    (1, SIX_DAYS, "morning", range(0, 4), 2),
    (1, WEEKDAYS, "afternoon", range(0, 2), 1),
    (2, SIX_DAYS, "morning", range(2, 8), 1),
    (2, WEEKDAYS, "afternoon", range(0, 6), 1),
    (3, ("tue", "thu"), "afternoon", range(0, 8), 1),
    (4, ("wed",), "morning", range(2, 6), 1),
    (5, SIX_DAYS, "morning", MORNING, 1),  # Fig. 4 books p6 on Saturday 28/05, 11:00
    (6, ("mon", "wed", "fri"), "afternoon", range(0, 6), 1),
    (7, WEEKDAYS, "afternoon", range(0, 8), 1),
    (8, SIX_DAYS, "morning", MORNING, 1),
    (9, ("tue",), "morning", range(0, 6), 1),
    (10, ("thu",), "morning", range(0, 6), 1),
    (11, WEEKDAYS, "afternoon", range(2, 8), 1),
    (12, ("mon", "wed"), "morning", range(0, 2), 2),
    (13, ("tue", "fri"), "morning", range(2, 8), 1),
    (14, ("wed", "fri"), "morning", range(0, 6), 1),
    (15, ("mon", "thu"), "afternoon", range(0, 8), 1),
    (16, ("tue", "thu"), "morning", MORNING, 1),
    (17, ("wed",), "afternoon", range(0, 6), 1),
    (18, ("tue", "thu"), "morning", range(0, 6), 1),
    (19, ("fri",), "morning", range(2, 6), 1),
    (20, ("thu",), "afternoon", range(0, 4), 1),
    (21, WEEKDAYS, "afternoon", (0, 6), 1),
    (22, ("tue",), "afternoon", (0,), 1),
    (23, ("thu",), "afternoon", (0,), 1),
    (24, ("mon", "wed", "fri"), "afternoon", (0, 6), 1),
    (25, WEEKDAYS, "morning", MORNING, 1),
    (26, ("wed",), "morning", (4,), 1),
    (27, SIX_DAYS, "morning", range(4, 8), 1),
    (28, SIX_DAYS, "morning", range(4, 8), 1),
    (29, SIX_DAYS, "morning", range(4, 8), 1),
    (30, SIX_DAYS, "morning", range(4, 8), 1),
)

# Table 3: name, w_p, nb_p, l_p (the document's block number), s_p (study numbers)
TABLE3 = (
    ("p1", 3, 2, 3, (1, 2, 21)),
    ("p2", 2, 1, 9, (1, 8)),
    ("p3", 2, 0, 7, (5, 28)),
    ("p4", 3, 1, 11, (1, 2, 21)),
    ("p5", 3, 0, 15, (1, 6, 11)),
    ("p6", 1, 0, 53, (5,)),
    ("p7", 1, 0, 51, (1, 27)),
    ("p8", 2, 0, 9, (13,)),
    ("p9", 1, 0, 31, (1, 8)),
    ("p10", 2, 0, 33, (1, 2, 25)),
    ("p11", 3, 2, 3, (2, 8, 11)),
    ("p12", 1, 0, 45, (25,)),
    ("p13", 3, 1, 5, (1, 2, 21)),
    ("p14", 2, 0, 33, (8, 13)),
    ("p15", 1, 0, 19, (16,)),
    ("p16", 1, 0, 51, (25,)),
)
BEDS, CHAIRS, ADMISSIONS_PER_BLOCK = 17, 23, 3
WEEKS, DIVISIONS = 4, 12


def document_case() -> UnitInstance:
    rules = [
        (study - 1, days, part, list(divisions), patients)
        for study, days, part, divisions, patients in AVAILABILITY
    ]
    mu = availability_from_rules(WEEKS, DIVISIONS, len(STUDIES), rules)
    patients = [
        UnitPatient(name, w, nb, first - 1, tuple(s - 1 for s in studies))
        for name, w, nb, first, studies in TABLE3
    ]
    return UnitInstance(
        weeks=WEEKS,
        divisions=DIVISIONS,
        study_names=list(STUDIES),
        availability=mu,
        beds=BEDS,
        chairs=CHAIRS,
        admissions_per_block=ADMISSIONS_PER_BLOCK,
        patients=patients,
    )
