-- Each call with a foreign counterpart once per counterpart country or organisation, for
-- aggregates by counterpart. Domestic calls are not calls with a counterpart country;
-- unresolved counterparts (no country, no organisation) wait in marts.review_queue.
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
