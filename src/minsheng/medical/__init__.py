"""医疗保障 medical security: enrolment, one-stop three-tier settlement (基本医保 → 大病保险 → 医疗救助),
the special outpatient drug list and fund supervision (医保基金监管)."""
