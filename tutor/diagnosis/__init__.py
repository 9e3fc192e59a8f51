"""Diagnosis: from answers to the knowledge points a student (or a class) is missing.

:mod:`tutor.diagnosis.answer` diagnoses one answer (buggy rule, first wrong step of the
shown working, the misconception free-text working reads like —
:mod:`tutor.diagnosis.semantic` — or unknown cause); :mod:`tutor.diagnosis.probe` asks
prerequisite probes when the cause is unknown; :mod:`tutor.diagnosis.cdm` holds
class-level cognitive diagnosis with DINA (exact, up to a dozen skills),
:mod:`tutor.diagnosis.ncdm` the neural model for many skills,
:mod:`tutor.diagnosis.class_cdm` the per-point factorised DINA over a class's attempt logs
(what the teacher's class report uses), and :mod:`tutor.diagnosis.cdm_data` the class
response data types (the files are read by :mod:`tutor.data.cdm`).
"""
