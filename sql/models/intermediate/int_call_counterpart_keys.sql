select distinct
    c.source,
    c.item_id,
    coalesce(p.country_code, p.organisation) as counterpart,
    p.country_code,
    p.organisation
from {{ ref('int_call_items') }} as c
inner join {{ ref('stg_item_counterparts') }} as p
    on p.source = c.source and p.item_id = c.item_id and p.entry_sha = c.entry_sha
where c.call_scope = 'foreign'
    and coalesce(p.country_code, p.organisation) is not null
