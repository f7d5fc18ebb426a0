"""Assessment records to and from entry workbooks (issue 13).

    data = export_workbook(project, "hutang-2017", "2017-Q3")      # bytes of an .xlsx
    result = import_workbook(project, Path("录入表.xlsx"))          # records under assessments/

One sheet per record (named by the unit), laid out like the printed score
sheet: layout.py says which row and column holds what, writer.py writes it,
reader.py reads it back into `Record`s, dump.py writes records as YAML.
"""
from .dump import dump_record, record_data
from .importer import ImportResult, import_workbook
from .writer import export_workbook

__all__ = ["dump_record", "record_data", "export_workbook", "import_workbook", "ImportResult"]
