"""Everything pytest-shapes writes, in one place.

- `section`: a diagnosis's headline, its `shape diagnosis` section and the layer-trace table;
- `junit`: a diagnosed failure on its test report (section and JUnit properties);
- `payload`: what one finished test sends to the outputs (plain data, crosses pytest-xdist);
- `outputs`: the `shapes:` summary line and the JSON report, fed test by test.
"""
