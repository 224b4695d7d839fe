-- A foreign leader who spoke with the leaders of two sources within the same week (the two
-- calls at most six days apart, each dated in its own source's time zone), one row per pair
-- of calls, with how each side described its own call. The counterpart is matched on its
-- key (country or organisation) and the person's surname; the sources' own countries are
-- left out (their leaders' calls with each other are marts.call_pairs).
with counterpart_calls as (
    select
        l.*,
        p.counterpart_key,
        p.counterpart_name,
        p.country_code,
        p.organisation,
        p.person_name,
        lower(regexp_extract(p.person_name, '(\S+)$')) as surname
    from {{ ref('int_call_labels') }} as l
    inner join {{ ref('call_counterparts') }} as p
        on p.source = l.source and p.item_id = l.item_id
    where p.counterpart_key is not null
        and p.person_name is not null
        and coalesce(p.country_code, '') not in (
            select country_code from {{ ref('stg_sources') }}
        )
)

select distinct
    a.counterpart_key,
    a.counterpart_name,
    a.country_code,
    a.organisation,
    a.person_name,
    cast(date_trunc('week', least(a.call_date, b.call_date)) as date) as week,
    abs(date_diff('day', a.call_date, b.call_date)) as days_apart,
    {{ side_by_side(['source', 'item_id', 'title', 'call_date', 'word_count', 'descriptors', 'signals', 'topics']) }}
from counterpart_calls as a
inner join counterpart_calls as b
    on a.source < b.source
    and a.counterpart_key = b.counterpart_key
    and a.surname = b.surname
    and abs(date_diff('day', a.call_date, b.call_date)) <= 6
order by week, a.counterpart_key, a_call_date, b_call_date
