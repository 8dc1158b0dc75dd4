"""Complaints (khiếu nại), petitions (kiến nghị, phản ánh) and denunciations (tố cáo) about the
programme: their legal time limits (:mod:`.deadlines`, read from
``subsidy/rulesets/complaints/deadlines.json``) and their life (:mod:`.states`). Pure Python."""
