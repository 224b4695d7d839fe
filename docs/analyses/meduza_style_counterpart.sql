-- A Meduza-style count of the Kremlin's readouts for one counterpart (here the United
-- States): how many calls, how many readouts called the conversation "constructive", how
-- many said the leaders "expressed satisfaction". Change the country code to ask about
-- another counterpart.
select
    p.counterpart_key,
    p.counterpart_name,
    count(distinct c.item_id) as calls,
    count(distinct c.item_id) filter (where list_contains(t.descriptors, 'constructive'))
        as called_constructive,
    count(distinct c.item_id) filter (where t.expressed_satisfaction) as expressed_satisfaction,
    string_agg(distinct c.call_date::varchar, ', ' order by c.call_date::varchar) as call_dates
from marts.calls as c
join marts.call_counterparts as p using (source, item_id)
join marts.call_tone as t using (source, item_id)
where p.counterpart_key = 'US' and c.source = 'kremlin'
group by all
