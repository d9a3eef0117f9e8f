"""就业 employment: seekers and employers, matching, follow-up, zero-employment households, public-welfare
jobs (公益性岗位), work relief (以工代赈) and job-retention refunds (稳岗返还).

- `models` — tables (migration 0006_employment); the employing unit is `EmployingUnit` (table
  `employer`), keyed by its unified social credit code (`minsheng.credit_code`).
- `rules/` — the SQL rules and their declarations, run by `minsheng.engine` with `minsheng.policy`
  parameters (`policy/params/employment.yaml`): match, retention_refund, work_relief,
  unemployment_benefit, zero_employment, public_welfare_eligibility, public_welfare_subsidy.
- `service` — use cases in the caller's transaction and region scope; `matching.match_batch` ranks the
  whole region league by league; `synth.generate(engine, as_of, seed)` writes demo data.
- `api` (/api/employment), `views` (/employment pages), `cli` (`minsheng employment …`).

For the 低保 rule: `service.refusal_counts(session)` is the Arrow table (person_id, suitable_refusals)
of suitable jobs refused, with the limit in `employment.refusal.suitable_jobs_limit`.
"""
