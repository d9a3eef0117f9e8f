"""A synthetic Inner Mongolia (合成人口): households and persons calibrated to the region's real figures.

- `generate.write(out_dir, persons, seed, as_of, progress=None, workers=None)` writes
  `households.parquet` and `members.parquet` (exactly `registry.snapshot.HOUSEHOLDS` / `MEMBERS`),
  `persons_pii.parquet` (`generate.PII`: person_id, id_number, name, phone, bank_account, in the
  members' row order) and `manifest.json` (persons, households, seed, as_of). Same arguments, same files.
- `load.load(engine, out_dir)` puts them into a migrated database through ADBC bulk ingest;
  `load.generate_and_load(engine, persons, seed, as_of)` does both (the demo's path).
- `calibration` holds every target figure with its source, and `measure` computes them from output.
- CLI: `minsheng synth --persons N --seed S --out DIR [--load] [--date D]`.
"""
