"""Social insurance (社会保险) and elderly care (养老服务): enrolment and contribution history per person
and year, the uninsured (全民参保计划), the urban-rural residents' basic pension (城乡居民基本养老保险)
and its monthly start list, work-injury cases, coverage against the 95 % target, and the township
centres, village stations and mutual-aid homes.

Interfaces for other domains:

- `service.contribution_years(session, person_id, on, scheme="unemployment") -> Decimal`: years of
  contributions (months ÷ 12, two decimals rounded down) paid up to `on`; the unemployment benefit
  (employment) reads it.
- `rules.RESIDENT_PENSION`: the engine rule; `service.pension_starts(session, month, scope)` runs it.
- `synth.generate(engine, as_of, seed)`: enrolment histories, pensions and facilities for the demo.
"""
