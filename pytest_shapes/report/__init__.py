"""Everything pytest-shapes writes, in one place.

- `section`: a diagnosis's headline, its `shape diagnosis` section and the layer-trace table;
- `junit`: a diagnosed failure on its test report (section and JUnit properties);
- `payload`: what one finished test sends to the outputs (plain data, crosses pytest-xdist);
- `outputs`: the closing `shape diagnoses` block and the JSON report, fed test by test;
- `annotations`: GitHub Actions `::error` workflow commands;
- `html`: a diagnosis in a pytest-html report's row.
"""
