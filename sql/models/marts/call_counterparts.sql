select
    c.item_id,
    c.source,
    p.counterpart_no,
    p.counterpart_name,
    p.office,
    p.country_code,
    p.country_name,
    p.organisation
from {{ ref('int_call_items') }} as c
inner join {{ ref('stg_item_counterparts') }} as p
    on p.source = c.source and p.item_id = c.item_id and p.entry_sha = c.entry_sha
where c.call_scope = 'foreign'
order by c.published_at, c.item_id, p.counterpart_no
