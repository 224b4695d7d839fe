-- Calls an analyst must look at: loaded and counted in marts.calls, but with something the
-- reference data could not resolve. One row per call and reason (and per counterpart).
select
    c.source,
    c.item_id,
    c.title,
    c.url,
    c.published_date_local as call_date,
    'unresolved_counterpart' as review_reason,
    'counterpart ' || p.counterpart_no || ' "' || p.counterpart_name || '"'
    || coalesce(' (office: ' || p.office || ')', '')
    || ' matched no country, organisation or person in the reference data: add the country''s'
    || ' spelling to reference/sources/countries_overrides.csv (aliases or adjectives) and run'
    || ' python scripts/generate_reference.py, add an organisation to'
    || ' reference/sources/organisations.csv (same script), or add the person to'
    || ' reference/people.csv; the next readouts run reprocesses the landed pages'
    || ' (readouts run --reprocess forces it)' as detail
from intermediate.int_call_items as c
inner join staging.stg_item_counterparts as p
    on p.source = c.source and p.item_id = c.item_id and p.entry_sha = c.entry_sha
where p.country_code is null and p.organisation is null
order by c.published_at, c.item_id, p.counterpart_no
