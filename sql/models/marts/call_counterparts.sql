-- Counterparts of calls with a foreign side; a domestic call's Russian officials or
-- citizens are not counterparts of Russia's foreign calls ({{ ref('calls') }}.call_scope).
select
    c.item_id,
    c.source,
    p.counterpart_no,
    coalesce(p.country_code, p.organisation) as counterpart_key,
    n.counterpart_name,
    p.country_code,
    p.organisation,
    p.counterpart_name as person_name,
    p.office,
    p.country_name
from {{ ref('int_call_items') }} as c
inner join {{ ref('stg_item_counterparts') }} as p
    on p.source = c.source and p.item_id = c.item_id and p.entry_sha = c.entry_sha
left join (
    select distinct counterpart_key, counterpart_name
    from {{ ref('int_call_counterpart_keys') }}
) as n on n.counterpart_key = coalesce(p.country_code, p.organisation)
where c.call_scope = 'foreign'
order by c.published_at, c.item_id, p.counterpart_no
