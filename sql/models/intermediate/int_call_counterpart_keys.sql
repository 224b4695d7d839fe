-- Each call with a foreign counterpart once per counterpart country or organisation, for
-- aggregates by counterpart. Domestic calls are not calls with a counterpart country;
-- unresolved counterparts (no country, no organisation) wait in marts.review_queue.
-- The common keys of every counterpart-level mart: counterpart_key (the ISO code or the
-- organisation), counterpart_name (one name per key), country_code, organisation.
with keyed as (
    select distinct
        c.source,
        c.item_id,
        coalesce(p.country_code, p.organisation) as counterpart_key,
        coalesce(p.country_name, p.organisation, p.country_code) as name,
        p.country_code,
        p.organisation
    from {{ ref('int_call_items') }} as c
    inner join {{ ref('stg_item_counterparts') }} as p
        on p.source = c.source and p.item_id = c.item_id and p.entry_sha = c.entry_sha
    where c.call_scope = 'foreign'
        and coalesce(p.country_code, p.organisation) is not null
),

-- One name per key (a code may be written as an entity ISO does not code, e.g. South
-- Ossetia under GE): the name most calls use, then the first alphabetically.
names as (
    select counterpart_key, name as counterpart_name
    from (select counterpart_key, name, count(*) as calls from keyed group by all)
    qualify row_number() over (partition by counterpart_key order by calls desc, name) = 1
)

select distinct
    k.source,
    k.item_id,
    k.counterpart_key,
    n.counterpart_name,
    k.country_code,
    k.organisation
from keyed as k
inner join names as n on n.counterpart_key = k.counterpart_key
