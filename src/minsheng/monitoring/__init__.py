"""低收入人口动态监测 low-income monitoring: signals, risk rules, proactive discovery, alerts and visits."""
