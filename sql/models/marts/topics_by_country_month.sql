with calls as (
    select
        k.counterpart,
        cast(date_trunc('month', c.published_date_local) as date) as month,
        c.source,
        c.item_id
    from {{ ref('int_call_items') }} as c
    inner join {{ ref('int_call_counterpart_keys') }} as k
        on k.source = c.source and k.item_id = c.item_id
),

totals as (
    select counterpart, month, count(*) as calls from calls group by all
)

select
    c.counterpart,
    c.month,
    t.topic,
    count(distinct c.item_id) as calls,
    totals.calls as calls_in_month,
    round(count(distinct c.item_id) / totals.calls, 3) as share_of_calls
from calls as c
inner join {{ ref('call_topics') }} as t on t.source = c.source and t.item_id = c.item_id
inner join totals on totals.counterpart = c.counterpart and totals.month = c.month
group by c.counterpart, c.month, t.topic, totals.calls
order by c.month, c.counterpart, t.topic
