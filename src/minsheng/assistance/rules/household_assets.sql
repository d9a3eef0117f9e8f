-- 家庭财产 asset tests (民发〔2021〕57号 Art. 14): financial assets per capita within N years of the
-- standard, vehicles, dwellings and business assets within the local limits (all placeholders).
SELECT
  h.household_id,
  h.banner_code,
  h.hukou,
  i.members_counted,
  p.dibao_standard_fen,
  CAST(h.financial_assets_fen + h.other_assets_fen AS BIGINT) AS financial_assets_fen,
  p.assets_financial_years_of_standard AS financial_years_of_standard,
  CAST(FLOOR(p.assets_financial_years_of_standard * p.dibao_standard_fen * 12 * i.members_counted + 0.5)
       AS BIGINT) AS financial_assets_limit_fen,
  h.vehicles,
  h.vehicle_value_fen,
  p.assets_vehicle_value_limit_fen AS vehicle_value_limit_fen,
  h.dwellings,
  p.assets_dwellings_max AS dwellings_max,
  h.business_assets_fen,
  p.assets_business_assets_limit_fen AS business_assets_limit_fen,
  COALESCE(h.financial_assets_fen >= 0 AND h.other_assets_fen >= 0 AND h.vehicles >= 0
           AND h.vehicle_value_fen >= 0 AND h.dwellings >= 0 AND h.business_assets_fen >= 0
           AND p.dibao_standard_fen IS NOT NULL AND p.assets_dwellings_max IS NOT NULL
           AND i.members_counted > 0, FALSE) AS asset_data_complete,
  COALESCE(h.financial_assets_fen + h.other_assets_fen
           <= p.assets_financial_years_of_standard * p.dibao_standard_fen * 12 * i.members_counted,
           FALSE) AS financial_assets_within_limit,
  COALESCE(h.vehicles = 0 OR h.vehicle_value_fen <= p.assets_vehicle_value_limit_fen, FALSE)
    AS vehicles_within_limit,
  COALESCE(h.dwellings <= p.assets_dwellings_max, FALSE) AS dwellings_within_limit,
  COALESCE(h.business_assets_fen <= p.assets_business_assets_limit_fen, FALSE) AS business_assets_within_limit,
  COALESCE(h.financial_assets_fen >= 0 AND h.other_assets_fen >= 0 AND h.vehicle_value_fen >= 0
           AND h.business_assets_fen >= 0 AND i.members_counted > 0
           AND h.financial_assets_fen + h.other_assets_fen
               <= p.assets_financial_years_of_standard * p.dibao_standard_fen * 12 * i.members_counted
           AND (h.vehicles = 0 OR h.vehicle_value_fen <= p.assets_vehicle_value_limit_fen)
           AND h.dwellings <= p.assets_dwellings_max
           AND h.business_assets_fen <= p.assets_business_assets_limit_fen, FALSE) AS assets_within_limits
FROM households AS h
CROSS JOIN run AS r
LEFT JOIN household_income AS i ON i.household_id = h.household_id
LEFT JOIN params AS p
  ON p.banner_code = h.banner_code AND p.hukou = h.hukou
  AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
