-- Each call once per counterpart country or organisation, for aggregates by counterpart.
select distinct
    c.source,
    c.item_id,
    coalesce(p.country_code, p.organisation) as counterpart,
    p.country_code,
    p.organisation
from intermediate.int_call_items as c
inner join staging.stg_item_counterparts as p
    on p.source = c.source and p.item_id = c.item_id and p.entry_sha = c.entry_sha
