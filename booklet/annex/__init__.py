"""Annex data of seed 001: 附件2 花名册 (roster.yml), 附件3 执勤排班表 (duty.yml),
附件4 用款审批表 (funds.yml) under assessments/annex/<year>/<unit-id>/.

- forms.py     one spec per form: number, title, file, import aliases, export headers and rows
- model.py     dataclasses (UnitAnnex, Roster, Team, Member, Duty, Filing, DutyRow, Funds, FundRequest)
- load.py      load_annex(root, config) -> (dict[str, UnitAnnex], Problems); parse_form(...)
               (shape checked by schema/annex.schema.json via booklet.schemacheck)
- validate.py  the value checks and cross checks, with Chinese messages
- derive.py    derive_findings(project, rubric, unit, period) -> (findings, vetoes)
- importer.py  XLSX/CSV → YAML (booklet import): sheets.py (cells → rows),
               formmap.py (rows → form data, by the spec)
- exporter.py  YAML → XLSX (booklet export)
- dump.py      annex objects → YAML text
- print.py     blank and filled forms (booklet forms, build_blank_forms, ledger_annex_html)
- cli.py       helpers of the three verbs

Rosters and duty schedules are personal data: printed for the internal ledger
only, never read by the public site.
"""
